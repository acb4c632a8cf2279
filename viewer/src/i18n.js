// Swedish and English labels. Swedish first: the district's own language.
const STRINGS = {
  layers: ['Lager', 'Layers'],
  street_colour: ['Färg på gatorna', 'Street colour'],
  colour_rate: ['Händelser per 100 m (urval)', 'Incidents per 100 m (selection)'],
  colour_density: ['Täthet (nätverks-KDE)', 'Density (network KDE)'],
  colour_gistar: ['Gi*-klass', 'Gi* class'],
  colour_emerging: ['Framväxande hotspots', 'Emerging hotspots'],
  colour_none: ['Ingen', 'None'],
  basemap: ['Bakgrundskarta (egen URL)', 'Base map (own URL)'],
  time: ['Tid', 'Time'],
  all_months: ['Alla månader', 'All months'],
  incidents_n: ['{n} händelser', '{n} incidents'],
  parameters: ['Parametrar', 'Parameters'],
  all: ['Alla', 'All'],
  none: ['Inga', 'None'],
  legend: ['Teckenförklaring', 'Legend'],
  details: ['Detaljer', 'Details'],
  click_hint: ['Klicka på en gata, hållplats, park eller ett område.', 'Click a street, stop, park or area.'],
  situation: ['Lägesbild', 'Situation picture'],
  no_situation: ['Ingen lägesbild i den här körningen än.', 'No situation picture in this run yet.'],
  scenarios: ['Scenarier', 'Scenarios'],
  no_scenarios: ['Inga scenarier i den här körningen än.', 'No scenarios in this run yet.'],
  pick: ['— välj —', '— pick —'],
  difference: ['Skillnad B − A', 'Difference B − A'],
  editor: ['Pröva en insats', 'Try an intervention'],
  type: ['Insats', 'Intervention'],
  lighting: ['Belysning', 'Lighting'],
  patrol: ['Polispatrull', 'Police patrol'],
  adults: ['Vuxna ute (nattvandrare)', 'Adults outdoors (night walkers)'],
  transit_host: ['Trygghetsvärdar ombord', 'Hosts on board (transit)'],
  line: ['Linje', 'Line'],
  between_stops: ['Mellan hållplatserna', 'Between the stops'],
  size_transit_host: ['Värdar per fordon', 'Hosts per vehicle'],
  need_line: ['Välj en linje först.', 'Choose a line first.'],
  early_rise: ['Tidig ökning', 'Early rise'],
  early_rise_hint: ['Mer oro i början när fler vuxna och poliser är ute, sedan mindre: ökningen i början och hur många veckor den avtar över, för de valda parametrarna.',
    'More disorder at first when more adults and police are outside, then less: the rise at the start and the weeks it fades over, for the chosen parameters.'],
  weeks: ['veckor', 'weeks'],
  recorded_change: ['Registrerad förändring', 'Recorded change'],
  recorded_hint: ['Det rapporterna kommer att visa: fler vuxna och poliser ute gör att mer anmäls, så registrerade händelser kan öka när de verkliga minskar.',
    'What the reports will show: more adults and police outside means more is reported, so recorded incidents can rise while true ones fall.'],
  true_counts: ['Verkliga händelser', 'True incidents'],
  hours: ['Timmar', 'Hours'],
  size_lighting: ['Antal lampor', 'Lamps'],
  size_patrol: ['Besök per vecka', 'Visits per week'],
  size_adults: ['Antal vuxna', 'Adults'],
  months_ahead: ['Månader framåt', 'Months ahead'],
  replicates: ['Simuleringar (replikat)', 'Simulations (replicates)'],
  select_segments: ['Välj gator', 'Select streets'],
  draw_area: ['Rita område', 'Draw area'],
  clear: ['Rensa', 'Clear'],
  selected: ['{n} gator valda', '{n} streets selected'],
  area_drawn: ['område med {n} hörn', 'area with {n} corners'],
  drawing: ['Klicka hörn, dubbelklicka för att avsluta', 'Click corners, double-click to finish'],
  run: ['Kör simulering', 'Run simulation'],
  refining: ['Första svaret (100 simuleringar) – förfinas …', 'First answer (100 simulations) – refining …'],
  replicates_n: ['{n} simuleringar', '{n} simulations'],
  queued: ['I kö …', 'Queued …'],
  running: ['Kör …', 'Running …'],
  failed: ['Misslyckades', 'Failed'],
  cancelled: ['Avbruten', 'Cancelled'],
  no_runner: ['Simuleringar kan inte köras av den här servern', 'This server cannot run simulations'],
  need_selection: ['Välj gator eller rita ett område först.', 'Select streets or draw an area first.'],
  expected_change: ['Förväntad förändring', 'Expected change'],
  interval: ['intervall', 'interval'],
  baseline: ['Utan insats', 'Without'],
  with_intervention: ['Med insats', 'With'],
  export: ['Exportera vyn', 'Export the view'],
  monthly: ['Per månad', 'Per month'],
  by_parameter: ['Per parameter', 'By parameter'],
  incidents: ['Händelser', 'Incidents'],
  per_100m: ['per 100 m', 'per 100 m'],
  weekdays: [['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'], ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']],
  loading: ['Laddar …', 'Loading …'],
  error: ['Fel', 'Error'],
  hot: ['Hotspot', 'Hot spot'],
  cold: ['Coldspot', 'Cold spot'],
  not_significant: ['Inte signifikant', 'Not significant'],
  plan: ['Planering', 'Planning'],
  workspace: ['Arbetsyta (månadscykeln)', 'Workspace (monthly cycle)'],
  ws_month: ['Månad', 'Month'],
  ws_not_assessed: ['ingen lägesbild', 'no picture'],
  ws_no_picture: ['Ingen lägesbild för den här månaden (kör tryggve month).', 'No situation picture for this month (run tryggve month).'],
  parameter: ['Parameter', 'Parameter'],
  ws_level: ['Nivå', 'Level'],
  ws_count: ['Antal', 'Count'],
  ws_change: ['Mot förra', 'Vs last'],
  ws_trend: ['Trend', 'Trend'],
  ws_levels: [['okänd', 'mycket låg', 'låg', 'medel', 'hög', 'mycket hög'], ['unknown', 'very low', 'low', 'moderate', 'high', 'very high']],
  ws_trend_too_short: ['för få månader', 'too few months'],
  ws_trend_no_trend: ['ingen trend', 'no trend'],
  ws_trend_increasing: ['ökande', 'increasing'],
  ws_trend_decreasing: ['minskande', 'decreasing'],
  ws_proposals: ['Förslag för {month}', 'Proposals for {month}'],
  ws_no_proposals: ['Inga förslag.', 'No proposals.'],
  ws_kind_patrol: ['Polisens bevakningslista', 'Police watch list'],
  ws_kind_lighting: ['Belysning', 'Lighting'],
  ws_kind_route: ['Vandringsrutter', 'Walk routes'],
  ws_prevented_month: ['förebyggt under månaden', 'prevented in the month'],
  ws_prevented_year: ['förebyggt per år', 'prevented a year'],
  ws_unnamed: ['(utan namn)', '(unnamed)'],
  ws_deployments: ['Genomförda insatser och uppföljning', 'Deployments and their follow-up'],
  ws_no_deployments: ['Inga insatser registrerade.', 'No deployments recorded.'],
  ws_ongoing: ['pågår', 'ongoing'],
  ws_no_followup: ['Inte uppföljd än.', 'Not followed up yet.'],
  ws_all_parameters: ['Alla parametrar', 'All parameters'],
  ws_verdict_fewer_clear: ['Tydligt färre: hela 90-procentsintervallet ligger under oförändrat.', 'Clearly fewer: the whole 90% interval lies below no change.'],
  ws_verdict_fewer_slight: ['Troligen färre, men effekten kan vara liten.', 'Probably fewer, but the effect may be small.'],
  ws_verdict_more_clear: ['Tydligt fler: hela 90-procentsintervallet ligger över oförändrat.', 'Clearly more: the whole 90% interval lies above no change.'],
  ws_verdict_more_slight: ['Troligen fler, men ökningen kan vara liten.', 'Probably more, but the rise may be small.'],
  ws_verdict_no_change: ['Ingen tydlig förändring: intervallet rymmer oförändrat och är smalt nog att utesluta en stor effekt.', 'No clear change: the interval includes no change, and it is narrow enough to rule out a large effect.'],
  ws_verdict_unclear_wide: ['För tidigt att säga: för få händelser, intervallet är brett.', 'Too early to say: too few incidents, the interval is wide.'],
  ws_verdict_unknown: ['Inte beräknat.', 'Not estimated.'],
  ws_too_early: ['För tidigt att säga ({month}): för kort historik före starten.', 'Too early to say ({month}): too little history before it started.'],
  ws_rr: ['Utfall mot förväntat (90 % intervall)', 'Observed vs expected (90% interval)'],
  ws_observed: ['observerat', 'observed'],
  ws_expected: ['förväntat', 'expected'],
  ws_early: ['första veckorna', 'first weeks'],
  ws_later: ['därefter', 'after that'],
  attribution: ['Kartdata © OpenStreetMap-bidragsgivare (ODbL) där gatorna kommer från OSM.',
    'Map data © OpenStreetMap contributors (ODbL) where the streets come from OSM.'],
};

let current = localStorage.getItem('tryggve.lang') === 'en' ? 'en' : 'sv';

export function lang() { return current; }
export function setLang(l) {
  current = l === 'en' ? 'en' : 'sv';
  localStorage.setItem('tryggve.lang', current);
  document.documentElement.lang = current;
}
export function t(key, vars = {}) {
  const s = STRINGS[key];
  if (!s) return key;
  let v = s[current === 'en' ? 1 : 0];
  if (typeof v === 'string') for (const [k, x] of Object.entries(vars)) v = v.replace(`{${k}}`, x);
  return v;
}
// A parameter's name in the current language (the catalogue has both).
export function paramName(p) { return (current === 'en' ? p.name_en : p.name_sv) || p.code; }
// Numbers the Swedish way (decimal comma) or the English way.
export function num(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return Number(x).toLocaleString(current === 'en' ? 'en-GB' : 'sv-SE', { maximumFractionDigits: digits });
}
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
