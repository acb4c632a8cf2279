#include "tryggve/report/month_report.hpp"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tryggve/core/atomic_file.hpp"
#include "tryggve/core/error.hpp"
#include "tryggve/core/hotspot_classes.hpp"
#include "tryggve/core/strings.hpp"
#include "tryggve/core/version.hpp"
#include "tryggve/pipeline/run_folder.hpp"

namespace tryggve::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Lang {
  bool sv = true;
  const char* t(const char* en, const char* sv_text) const { return sv ? sv_text : en; }
};

std::string esc(const std::string& s) { return xml_escape(s); }

// A hotspot class by the words its legends use (core/hotspot_classes.hpp).
std::string class_label(const std::string& code, bool sv) {
  const auto* c = hotspot_classes::find(code);
  return c ? std::string(c->label(sv)) : code;
}

double val(const json& j, const char* key, double def = NAN) {
  if (!j.contains(key) || !j[key].is_number()) return def;
  return j[key].get<double>();
}
std::string str(const json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

// Numbers as a reader writes them: Swedish decimal comma and thin-space thousands.
std::string num(const Lang& L, double v, int digits = 0) {
  if (!std::isfinite(v)) return "–";
  std::string s = fmt::format("{:.{}f}", std::abs(v), digits);
  std::string intpart = s.substr(0, s.find('.')), frac = s.find('.') == std::string::npos ? "" : s.substr(s.find('.') + 1);
  std::string grouped;
  for (std::size_t i = 0; i < intpart.size(); ++i) {
    if (i && (intpart.size() - i) % 3 == 0) grouped += L.sv ? "\u00a0" : ",";
    grouped += intpart[i];
  }
  return (v < 0 && std::abs(v) >= 0.5 * std::pow(10.0, -digits) ? "−" : "") + grouped + (frac.empty() ? "" : (L.sv ? "," : ".") + frac);
}
std::string sek(const Lang& L, double v) { return num(L, v) + (L.sv ? " kr" : " SEK"); }
std::string pct(const Lang& L, double rr) { return num(L, (rr - 1) * 100, 0) + " %"; }

// "how sure are we", from the interval's position against 1 (no change).
std::string how_sure(const Lang& L, const json& v) {
  const std::string k = str(v, "key");
  if (k == "fewer_clear") return L.t("Clearly fewer: the whole 90% interval lies below no change.", "Tydligt färre: hela 90-procentsintervallet ligger under oförändrat.");
  if (k == "fewer_slight") return L.t("Probably fewer, but the effect may be small.", "Troligen färre, men effekten kan vara liten.");
  if (k == "more_clear") return L.t("Clearly more: the whole 90% interval lies above no change.", "Tydligt fler: hela 90-procentsintervallet ligger över oförändrat.");
  if (k == "more_slight") return L.t("Probably more, but the rise may be small.", "Troligen fler, men ökningen kan vara liten.");
  if (k == "no_change") return L.t("No clear change: the interval includes no change, and it is narrow enough to rule out a large effect.", "Ingen tydlig förändring: intervallet rymmer oförändrat och är smalt nog att utesluta en stor effekt.");
  if (k == "unclear_wide") return L.t("We cannot tell yet: too few incidents, the interval is wide.", "Vi kan inte säga ännu: för få händelser, intervallet är brett.");
  return L.t("Not estimated.", "Inte beräknat.");
}

// A small map: the streets around a place, the place in red, names where they fit.
std::string svg_map(const json& m, int px = 220) {
  if (!m.is_object() || !m.contains("lines")) return "";
  const double r = val(m, "radius_m", 250);
  std::string s = fmt::format(R"(<svg class="map" width="{0}" height="{0}" viewBox="{1} {1} {2} {2}" xmlns="http://www.w3.org/2000/svg">)",
                              px, -r, 2 * r);
  s += fmt::format(R"(<rect x="{0}" y="{0}" width="{1}" height="{1}" fill="#f7f7f4"/>)", -r, 2 * r);
  auto poly = [&](const json& l, const char* style) {
    std::string pts;
    for (const auto& p : l) pts += fmt::format("{:.1f},{:.1f} ", p[0].get<double>(), -p[1].get<double>());
    return fmt::format(R"(<polyline points="{}" {}/>)", pts, style);
  };
  const double w = r / 110;
  for (const auto& l : m["lines"]) s += poly(l, fmt::format(R"(fill="none" stroke="#b9b9b0" stroke-width="{:.1f}")", 2 * w).c_str());
  for (const auto& l : m["marked"]) s += poly(l, fmt::format(R"(fill="none" stroke="#c62828" stroke-width="{:.1f}" stroke-linecap="round")", 5 * w).c_str());
  for (const auto& lb : m["labels"]) {
    const bool stop = lb.value("stop", false);
    const double x = lb["x"].get<double>(), y = -lb["y"].get<double>();
    if (stop) s += fmt::format(R"(<circle cx="{:.0f}" cy="{:.0f}" r="{:.1f}" fill="#1565c0"/>)", x, y, 3 * w);
    s += fmt::format(R"(<text x="{:.0f}" y="{:.0f}" font-size="{:.0f}" fill="{}" text-anchor="middle">{}</text>)", x,
                     y - (stop ? 5 * w : 0), 11 * w, stop ? "#1565c0" : "#444", esc(lb["text"].get<std::string>()));
  }
  s += fmt::format(R"(<line x1="{0:.0f}" y1="{1:.0f}" x2="{2:.0f}" y2="{1:.0f}" stroke="#333" stroke-width="{3:.1f}"/><text x="{0:.0f}" y="{4:.0f}" font-size="{5:.0f}">100 m</text>)",
                   -r * 0.92, r * 0.9, -r * 0.92 + 100, w, r * 0.85, 10 * w);
  return s + "</svg>";
}

// "fri,sat 18-24" as the reader says it.
std::string windows(const Lang& L, std::string w) {
  if (!L.sv) return w;
  static const std::pair<const char*, const char*> days[] = {{"mon", "mån"}, {"tue", "tis"}, {"wed", "ons"}, {"thu", "tor"},
                                                             {"fri", "fre"}, {"sat", "lör"}, {"sun", "sön"}, {"daily", "alla dagar"}};
  for (const auto& [en, sv] : days)
    for (std::size_t p = w.find(en); p != std::string::npos; p = w.find(en, p + 1)) w.replace(p, std::strlen(en), sv);
  for (auto& c : w)
    if (c == ',') c = ' ';
  return w;
}

std::string type_name(const Lang& L, const std::string& t) {
  if (t == "lighting") return L.t("lighting", "belysning");
  if (t == "patrol") return L.t("police patrol", "polispatrull");
  if (t == "adults_outdoors") return L.t("adults outdoors", "vuxna ute");
  return t;
}

// A count as published: the number, or the public folder's "<k" as it stands
// (workspace/month.hpp, write_public_month). Its cell is marked "count" so a
// check can find every count of the page.
std::string count_text(const Lang& L, const json& j, const char* key) {
  if (j.contains(key) && j[key].is_string()) return esc(j[key].get<std::string>());
  return num(L, val(j, key));
}
double sort_count(const json& j) { return j.contains("count") && j["count"].is_number() ? j["count"].get<double>() : 0.0; }

// The public month (audience public in month.json): what was left out and why,
// in plain words, before everything else.
std::string public_notice(const Lang& L, const json& M) {
  if (M.value("audience", "") != "public") return {};
  const auto k = M.value("min_count", 5);
  const json S = M.value("suppressed", json::object());
  std::string b = fmt::format("<div class=public><h2>{}</h2><p>{}</p><ul>", L.t("About this public version", "Om den här offentliga versionen"),
                              fmt::format(fmt::runtime(L.t(
                                  "Reports of incidents are personal data. This version is for readers outside the steering group: it "
                                  "holds only counts per area, kind of place and parameter, never single incidents, their places or "
                                  "their texts. A count from 1 to {0} could point to the people involved, so it is shown as \"&lt;{1}\"; "
                                  "where a total would give such a count back, one more count is hidden too.",
                                  "Rapporter om händelser är personuppgifter. Den här versionen är för läsare utanför styrgruppen: den "
                                  "innehåller bara antal per område, platstyp och parameter, aldrig enskilda händelser, var de hände eller "
                                  "vad som skrevs. Ett antal från 1 till {0} kan peka ut de inblandade och visas därför som \"&lt;{1}\"; "
                                  "där en summa skulle avslöja ett sådant antal döljs ytterligare ett.")),
                                          k - 1, k));
  b += fmt::format("<li>{}</li>", fmt::format(fmt::runtime(L.t("{} counts in the situation tables (all months) are hidden.",
                                                               "{} antal i lägestabellerna (alla månader) är dolda.")),
                                              S.value("situation_cells", 0)));
  b += fmt::format("<li>{}</li>", fmt::format(fmt::runtime(L.t("{} follow-ups show no result for some period because too few incidents lie behind it.",
                                                               "{} uppföljningar visar inget resultat för någon period eftersom för få händelser ligger bakom.")),
                                              S.value("followups", 0)));
  b += fmt::format("<li>{}</li>", fmt::format(fmt::runtime(L.t("{} targets show no current value because it rests on too few incidents.",
                                                               "{} mål visar inget aktuellt värde eftersom det bygger på för få händelser.")),
                                              S.value("targets", 0)));
  b += fmt::format("<li>{}</li></ul></div>", L.t("Measures are named by their kind and place, not by who recorded them; maps show streets only.",
                                                   "Insatser anges med typ och plats, inte med vem som registrerade dem; kartorna visar bara gator."));
  return b;
}

std::string interval(const Lang& L, double lo, double hi, int digits) {
  return fmt::format("{}–{}", num(L, lo, digits), num(L, hi, digits));
}

}  // namespace

std::string render_month_html(const fs::path& dir, const std::string& lang) {
  if (lang != "sv" && lang != "en") throw Error(ErrorCode::BadOption, "lang", "expected sv or en, got '" + lang + "'");
  const fs::path file = dir / "month.json";
  std::ifstream in(file);
  if (!in) throw Error(ErrorCode::FileNotFound, file.string(), "no month.json: not a month folder");
  json M;
  try {
    M = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(ErrorCode::BadValue, file.string(), std::string("not valid JSON: ") + e.what());
  }
  const Lang L{lang == "sv"};
  const std::string month = str(M, "month"), next = str(M, "next_month");
  std::string b;

  // ---- Summary
  b += fmt::format("<h1>{} {}</h1>", L.t("Monthly report", "Månadsrapport"), esc(month));
  b += fmt::format("<p class=lead>{}</p>",
                   fmt::format(fmt::runtime(L.t("{} incidents were recorded in {}. This report shows the situation, what changed, "
                                                "the proposal for {}, how the measures taken so far have worked, and the targets.",
                                                "{} händelser registrerades under {}. Rapporten visar läget, vad som har förändrats, "
                                                "förslaget för {}, hur insatserna hittills har verkat och hur det går med målen.")),
                               count_text(L, M, "incidents_in_month"), esc(month), esc(next)));
  b += public_notice(L, M);

  // ---- The situation picture: the district per parameter, then the areas.
  b += fmt::format("<h2>1. {}</h2>", L.t("The situation", "Lägesbild"));
  b += fmt::format("<p>{}</p>", L.t("Level 1–5 compares the month with the place's own last two years (5: higher than 97.5% of its months). "
                                    "Trend: the last twelve months (Mann-Kendall test).",
                                    "Nivå 1–5 jämför månaden med platsens egna två senaste år (5: högre än 97,5 % av månaderna). "
                                    "Trend: de senaste tolv månaderna (Mann-Kendall-test)."));
  b += fmt::format("<table><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th><th>{}</th><th>{}</th></tr>",
                   L.t("Parameter", "Parameter"), esc(month), L.t("Previous month", "Förra månaden"), L.t("A year ago", "För ett år sedan"),
                   L.t("Level", "Nivå"), L.t("Trend", "Trend"));
  std::vector<json> rows;
  for (const auto& r : M["picture"])
    if (str(r, "unit_type") == "district" && str(r, "parameter") != "all") rows.push_back(r);
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& c) { return sort_count(a) > sort_count(c); });
  auto pname = [&](const json& r) { return str(r, L.sv ? "parameter_sv" : "parameter_en"); };
  for (const auto& r : rows)
    b += fmt::format("<tr><td>{}</td><td class=\"n count\">{}</td><td class=\"n count\">{}</td><td class=\"n count\">{}</td><td class=l{}>{}</td><td>{}</td></tr>",
                     esc(pname(r)), count_text(L, r, "count"), count_text(L, r, "prev"), count_text(L, r, "year_ago"), r["level"].get<int>(),
                     esc(str(r, "level_label")), esc(str(r, "trend_label")));
  for (const auto& r : M["picture"])
    if (str(r, "unit_type") == "district" && str(r, "parameter") == "all")
      b += fmt::format("<tr class=total><td>{}</td><td class=\"n count\">{}</td><td class=\"n count\">{}</td><td class=\"n count\">{}</td><td class=l{}>{}</td><td>{}</td></tr>",
                       L.t("All parameters", "Alla parametrar"), count_text(L, r, "count"), count_text(L, r, "prev"),
                       count_text(L, r, "year_ago"), r["level"].get<int>(), esc(str(r, "level_label")), esc(str(r, "trend_label")));
  b += "</table>";
  // Areas and place types, all parameters together.
  b += fmt::format("<h3>{}</h3><table><tr><th>{}</th><th class=n>{}</th><th class=n>{}</th><th>{}</th><th>{}</th></tr>",
                   L.t("Areas and kinds of place", "Områden och platstyper"), L.t("Where", "Var"), esc(month),
                   L.t("Previous month", "Förra månaden"), L.t("Level", "Nivå"), L.t("Trend", "Trend"));
  for (const auto& r : M["picture"])
    if (str(r, "unit_type") != "district" && str(r, "unit_type") != "line" && str(r, "unit_type") != "transit_stop" &&
        str(r, "parameter") == "all" && (r["count"].is_string() || val(r, "count", 0) > 0))
      b += fmt::format("<tr><td>{}</td><td class=\"n count\">{}</td><td class=\"n count\">{}</td><td class=l{}>{}</td><td>{}</td></tr>",
                       esc(str(r, L.sv ? "unit" : "unit_en")), count_text(L, r, "count"), count_text(L, r, "prev"), r["level"].get<int>(),
                       esc(str(r, "level_label")), esc(str(r, "trend_label")));
  b += "</table>";

  // ---- Public transport: per line and per stop, as the run report shows it
  // (report.hpp transit_html). A public folder's situation.json and month.json
  // are already public (workspace/public_month.cpp): nothing is suppressed twice.
  if (M.contains("transit") && M["transit"].is_object()) {
    std::ifstream sin(dir / outputs::kSituationJson);
    json sj = json::parse(sin, nullptr, false);
    if (!sj.is_discarded()) {
      std::vector<TransitStretch> stretches;
      for (const auto& x : M["transit"].value("stretches", json::array()))
        stretches.push_back({str(x, "mode"), str(x, "line"), str(x, "from"), str(x, "to"), val(x, "n", 0)});
      const std::string h =
          transit_html(sj, stretches, val(M["transit"], "on_board", 0), val(M["transit"], "uncertain"), L.sv, false, {},
                       "alla månader till och med denna", "all months up to this one");
      if (!h.empty()) b += fmt::format("<h3>{}</h3>{}", L.t("Public transport", "Kollektivtrafik"), h);
    }
  }

  // ---- Changes
  b += fmt::format("<h2>2. {}</h2>", L.t("What changed", "Vad har förändrats"));
  std::string levels, spots;
  for (const auto& c : M["changes"]) {
    const std::string k = str(c, "kind");
    if (k == "level_up" || k == "level_down")
      levels += fmt::format("<li>{}: {} {} {} → {}{}</li>", esc(str(c, L.sv ? "unit" : "unit_en")),
                            esc(str(c, L.sv ? "parameter_sv" : "parameter_en")),
                            k == "level_up" ? L.t("rose from", "steg från") : L.t("fell from", "sjönk från"), esc(str(c, "from_label")),
                            esc(str(c, "to_label")),
                            c.contains("count") ? fmt::format(" ({} → {} {})", num(L, val(c, "prev")), num(L, val(c, "count")),
                                                              L.t("incidents", "händelser"))
                                                : std::string());
    else
      spots += fmt::format("<div class=card>{}<p><b>{}</b><br>{}</p></div>", svg_map(c["map"], 160), esc(str(c, "place")),
                           esc(class_label(k, L.sv)));
  }
  b += fmt::format("<h3>{}</h3>{}", L.t("Levels that moved", "Nivåer som har ändrats"),
                   levels.empty() ? std::string("<p>") + L.t("No level crossed 4 or 5 since last month.", "Ingen nivå passerade 4 eller 5 sedan förra månaden.") + "</p>"
                                  : "<ul>" + levels + "</ul>");
  b += fmt::format("<h3>{}</h3>{}", L.t("New and growing hot spots on the streets", "Nya och växande brännpunkter på gatorna"),
                   spots.empty() ? std::string("<p>") + L.t("None.", "Inga.") + "</p>" : "<div class=cards>" + spots + "</div>");

  // ---- The proposal
  const json& P = M["proposal"];
  b += fmt::format("<h2>3. {} {}</h2>", L.t("Proposal for", "Förslag för"), esc(next));
  if (P.contains("patrol_total")) {
    const auto& T = P["patrol_total"];
    b += fmt::format("<h3>{}</h3><p>{}</p>", L.t("Police watch list", "Polisens bevakningslista"),
                     fmt::format(fmt::runtime(L.t("{} officer-hours a week, about {} for the month. Expected to prevent {} incidents (90% interval {}).",
                                                  "{} polistimmar i veckan, omkring {} för månaden. Väntas förebygga {} händelser (90 % intervall {}).")),
                                 num(L, val(T, "officer_hours_per_week"), 1), sek(L, val(T, "cost_sek")), num(L, val(T, "prevented"), 1),
                                 interval(L, val(T, "prevented_lo"), val(T, "prevented_hi"), 1)));
    b += "<div class=cards>";
    for (const auto& it : P["patrol"])
      b += fmt::format("<div class=card>{}<p><b>{}. {}</b><br>{} {} ({})<br>{}: {}<br>{}: {} ({})</p></div>", svg_map(it["map"], 160),
                       it["rank"].get<int>(), esc(str(it, "place")), it["visits_per_week"].get<int>(), L.t("visits a week", "besök i veckan"),
                       esc(windows(L, str(it, "windows"))), L.t("Cost", "Kostnad"), sek(L, val(it, "cost_sek")), L.t("Prevents", "Förebygger"),
                       num(L, val(it, "prevented"), 1), interval(L, val(it, "prevented_lo"), val(it, "prevented_hi"), 1));
    b += "</div>";
  }
  if (!P["lighting"].empty()) {
    b += fmt::format("<h3>{}</h3><table><tr><th>{}</th><th></th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th><th class=n>{}</th></tr>",
                     L.t("Lighting projects", "Belysningsprojekt"), L.t("Where", "Var"), L.t("Lamps", "Lampor"), L.t("Cost", "Kostnad"),
                     L.t("Prevented a year (90%)", "Förebyggda per år (90 %)"), L.t("Cost per prevented incident", "Kostnad per förebyggd händelse"));
    for (const auto& it : P["lighting"])
      b += fmt::format("<tr><td><b>{}</b></td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{} ({})</td><td class=n>{}</td></tr>",
                       esc(str(it, "place")), svg_map(it["map"], 110), it["lamps"].get<int>(), sek(L, val(it, "cost_sek")),
                       num(L, val(it, "prevented_per_year"), 1), interval(L, val(it, "prevented_lo"), val(it, "prevented_hi"), 1),
                       val(it, "prevented_per_year", 0) > 0 ? sek(L, val(it, "cost_sek") / val(it, "prevented_per_year")) : "–");
    b += "</table>";
  }
  if (!P["routes"].empty()) {
    b += fmt::format("<h3>{}</h3><div class=cards>", L.t("Walk routes for adults outdoors", "Promenadrutter för vuxna ute"));
    for (const auto& it : P["routes"])
      b += fmt::format("<div class=card>{}<p><b>{} {}</b><br>{} m, {}: {}<br>{} {} % {}</p></div>", svg_map(it["map"], 160),
                       L.t("Route", "Rutt"), it["walker"].get<int>(), num(L, val(it, "length_m")), L.t("via", "via"), esc(str(it, "via")),
                       L.t("Passes", "Passerar"), num(L, val(it, "risk_share", 0) * 100, 0),
                       L.t("of the expected incidents in its hours", "av de väntade händelserna under sina timmar"));
    b += "</div>";
  }

  // ---- Follow-up
  b += fmt::format("<h2>4. {}</h2>", L.t("Follow-up of the measures", "Uppföljning av insatserna"));
  b += fmt::format("<p>{}</p>", L.t("For each measure: incidents in its place and hours since it started, against what the model expected without it "
                                    "(fitted on the history before it), against similar streets nearby that got nothing (comparison area), and in the "
                                    "ring around it (did trouble move?). Relative risk below 1 means fewer than expected.",
                                    "För varje insats: händelser på platsen och under insatsens timmar sedan start, mot vad modellen väntade utan den "
                                    "(anpassad på tiden före), mot liknande gator som inte fick något (jämförelseområde) och i ringen runt omkring "
                                    "(flyttade problemen?). Relativ risk under 1 betyder färre än väntat."));
  if (M["followups"].empty()) b += fmt::format("<p>{}</p>", L.t("No measures are recorded yet (tryggve deploy).", "Inga insatser är registrerade ännu (tryggve deploy)."));
  for (const auto& f : M["followups"]) {
    const std::string heading = str(f, "name").empty() ? type_name(L, str(f, "type")) + " " + str(f, "place") : str(f, "name");
    b += fmt::format("<div class=measure>{}<h3>{}</h3><p>{} · {} · {} {}{}{}</p>", svg_map(f["map"], 180), esc(heading),
                     type_name(L, str(f, "type")), esc(str(f, "place")), L.t("from", "från"), esc(str(f, "start").substr(0, 10)),
                     str(f, "end").empty() ? std::string(L.t(", still running", ", pågår")) : std::string(L.t(" to ", " till ")) + esc(str(f, "end")),
                     val(f, "cost_sek", 0) > 0 ? " · " + sek(L, val(f, "cost_sek")) : "");
    if (!f.contains("model")) {
      b += fmt::format("<p class=note>{}</p></div>", f.contains("note_key") ? L.t("Too little history before it started to follow it up yet.",
                                                                                     "För kort historik före starten för att följa upp den ännu.")
                                                                            : esc(str(f, "note")));
      continue;
    }
    const auto& m = f["model"];
    b += "<ul>";
    b += fmt::format("<li>{}<br><i>{}</i> {}</li>",
                     fmt::format(fmt::runtime(L.t("<span class=count>{}</span> incidents recorded where the model expected {} without the measure: {} ({} to {}).",
                                                  "<span class=count>{}</span> händelser registrerades där modellen väntade {} utan insatsen: {} ({} till {}).")),
                                 count_text(L, m, "observed"), num(L, val(m, "expected"), 1), pct(L, val(m, "rr")), pct(L, val(m, "low")),
                                 pct(L, val(m, "high"))),
                     L.t("How sure are we?", "Hur säkra är vi?"), how_sure(L, m["verdict"]));
    if (f["did"].contains("rr") && f["did"]["rr"].is_number())
      b += fmt::format("<li>{} {} ({} {} {}). <i>{}</i> {}</li>",
                       L.t("Against similar streets that got nothing:", "Mot liknande gator som inte fick något:"), pct(L, val(f["did"], "rr")),
                       pct(L, val(f["did"], "low")), L.t("to", "till"), pct(L, val(f["did"], "high")), L.t("How sure are we?", "Hur säkra är vi?"),
                       how_sure(L, f["did"]["verdict"]));
    if (f["early"].contains("rr") && f["early"]["rr"].is_number() && f["later"]["rr"].is_number())
      b += fmt::format("<li>{}</li>",
                       fmt::format(fmt::runtime(L.t("First six weeks {}, after that {}: a rise at first is expected when more people are out, and is shown apart.",
                                                    "Första sex veckorna {}, därefter {}: en ökning i början är väntad när fler är ute och visas för sig.")),
                                   pct(L, val(f["early"], "rr")), pct(L, val(f["later"], "rr"))));
    if (val(f, "reporting_uplift", 0) > 0)
      b += fmt::format("<li>{}</li>",
                       fmt::format(fmt::runtime(L.t("More adults outside report more of what happens (assumed +{} %): corrected for that, the true change is {} ({} to {}).",
                                                    "Fler vuxna ute rapporterar mer av det som händer (antaget +{} %): rättat för det är den verkliga förändringen {} ({} till {}).")),
                                   num(L, val(f, "reporting_uplift") * 100), pct(L, val(f["model_true"], "rr")),
                                   pct(L, val(f["model_true"], "low")), pct(L, val(f["model_true"], "high"))));
    if (f["wdq"].is_object())
      b += fmt::format("<li>{}</li>",
                       fmt::format(fmt::runtime(L.t("Displacement to the ring around it (WDQ, > 0: the benefit spread, < 0: trouble moved): {} ({} to {}).",
                                                    "Förflyttning till ringen runt omkring (WDQ, > 0: nyttan spreds, < 0: problemen flyttade): {} ({} till {}).")),
                                   num(L, val(f["wdq"], "wdq"), 2), num(L, val(f["wdq"], "low"), 2), num(L, val(f["wdq"], "high"), 2)));
    b += "</ul></div>";
  }

  // ---- Targets
  b += fmt::format("<h2>5. {}</h2>", L.t("Targets", "Mål"));
  if (M["targets"].empty()) b += fmt::format("<p>{}</p>", L.t("No targets are set (tryggve deploy, targets:).", "Inga mål är satta (tryggve deploy, targets:)."));
  for (const auto& t : M["targets"]) {
    b += fmt::format("<h3>{}</h3>", esc(str(t, "name")));
    if (!t.contains("probability")) {
      b += fmt::format("<p class=note>{}</p>", esc(str(t, "note")));
      continue;
    }
    const double p = val(t, "probability");
    const char* words = p >= 0.9 ? L.t("very likely", "mycket troligt") : p >= 0.66 ? L.t("likely", "troligt")
                        : p >= 0.33 ? L.t("uncertain", "osäkert") : p >= 0.1 ? L.t("unlikely", "osannolikt")
                                    : L.t("very unlikely at the present pace", "mycket osannolikt i nuvarande takt");
    b += fmt::format("<p>{}</p>",
                     fmt::format(fmt::runtime(L.t("{} in {}: from {} a month ({}) to at most {} by {}. The last three months: {} a month ({} % of the way). "
                                                  "Expected by {}: {} a month (90%: {}). Chance of meeting the target: {} % — {}.",
                                                  "{} i {}: från {} i månaden ({}) till högst {} senast {}. De tre senaste månaderna: {} i månaden ({} % av vägen). "
                                                  "Väntat {}: {} i månaden (90 %: {}). Chans att nå målet: {} % — {}.")),
                                 esc(str(t, L.sv ? "parameter_sv" : "parameter_en")), esc(str(t, "unit")), num(L, val(t, "baseline"), 1),
                                 esc(str(t, "baseline_from") + "–" + str(t, "baseline_to")), num(L, val(t, "target"), 1), esc(str(t, "due")),
                                 num(L, val(t, "current"), 1), num(L, val(t, "progress_pct")), esc(str(t, "due")),
                                 num(L, val(t, "expected_at_due"), 1), interval(L, val(t, "expected_lo"), val(t, "expected_hi"), 1),
                                 num(L, p * 100), words));
  }

  const std::string css = R"(body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #c62828;margin-top:1.6em}table{border-collapse:collapse;margin:.5em 0}
td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:middle}.n{text-align:right}
tr.total td{font-weight:bold}.l4,.l5{color:#b71c1c;font-weight:bold}.l3{color:#e65100}.cards{display:flex;flex-wrap:wrap;gap:.8em}
.card{width:170px;font-size:.85em;break-inside:avoid}.measure{overflow:auto;break-inside:avoid;border-top:1px solid #eee}
.measure svg{float:right;margin:0 0 .5em 1em}.public{background:#f4f4f4;padding:.2em 1em}.note{color:#666}.lead{font-size:1.05em}svg.map{border:1px solid #ccc}
footer{margin-top:3em;color:#777;font-size:.8em})";
  return fmt::format(R"(<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{} {}</title><style>{}</style></head><body>{}<footer>{} Tryggve {} · {}</footer></body></html>)",
                     lang, L.t("Monthly report", "Månadsrapport"), esc(month), css, b, L.t("Generated by", "Skapad av"), kVersion,
                     esc(str(M, "created")));
}

ReportResult write_month_report(const fs::path& dir, const std::string& lang, bool no_pdf, const std::string& chromium) {
  ReportResult r;
  r.html = dir / outputs::kReportHtml;
  write_text_atomically(r.html, render_month_html(dir, lang));
  r.sections = {"situation", "changes", "proposal", "followup", "targets"};
  if (no_pdf) {
    r.pdf_note = "no PDF asked for";
    return r;
  }
  r.pdf = write_pdf(r.html, chromium, &r.pdf_note);
  return r;
}

}  // namespace tryggve::report
