#pragma once
// Private to the demo module: the simulation's hourly calendar in Swedish local
// time. Kept here (not core/time) so the generator depends on nothing but the
// fixed EU daylight-saving rule that Sweden uses since 1996: CEST from 01:00 UTC
// on the last Sunday of March to 01:00 UTC on the last Sunday of October.
#include <cstdint>
#include <string>
#include <vector>

namespace tryggve::demo::cal {

std::int64_t days_from_civil(int y, int m, int d);
void civil_from_days(std::int64_t z, int& y, int& m, int& d);
// ISO weekday, Monday = 0.
int weekday(std::int64_t days);
// UTC offset of Europe/Stockholm at a UTC instant (3600 or 7200).
std::int32_t stockholm_offset(std::int64_t utc);
// UTC instant of local midnight at the start of a civil date in Stockholm.
std::int64_t stockholm_midnight(int y, int m, int d);
// "2024-03-05T14:30:00+01:00"
std::string iso8601(std::int64_t utc, std::int32_t offset_s);
// Swedish school day: a weekday outside the summer holiday (mid-June to mid-August),
// the Christmas holiday (Dec 21 - Jan 7), sportlov (ISO week 8) and höstlov (ISO week 44).
bool school_day(int y, int m, int d);

struct Hour {
  std::int64_t utc = 0;  // start of the hour
  std::int32_t offset = 0;
  int month = 1;  // model month, 1-based from the start month
  int calendar_month = 1;  // 1..12
  int hour = 0;   // local hour
  int weekday = 0;
  bool school_day = false;
  std::uint64_t dark_minutes = 0;  // bit m set if minute m of the hour is dark
  int dark_count = 0;
};

// Every hour of [start of start month, start of start month + months), with the
// darkness at (lat, lon) below threshold_deg, one bit per minute (sampled at its middle).
std::vector<Hour> hours(int start_year, int start_month, int months, double lat, double lon, double threshold_deg);

}  // namespace tryggve::demo::cal
