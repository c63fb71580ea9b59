-- revl: --data tests/lua/route_basic --as-of 2025-06-10
-- Business calendars: hours, weekends, holidays, time zones and DST.
-- Text without an offset is the calendar's local time.
local t = revl.testing("calendar")

local ny = revl.calendar {
  timezone = "America/New_York", hours = { "09:00", "17:00" }, days = { "Mon", "Tue", "Wed", "Thu", "Fri" },
  holidays = { "2025-12-25", revl.date("2025-07-04") },
}
t:eq(tostring(ny), "calendar America/New_York 09:00-17:00 Mon,Tue,Wed,Thu,Fri", "tostring")
t:eq(ny:timezone(), "America/New_York", "timezone")

-- weekends and DST: Friday 16:00 EST to Monday 10:00 EDT (clocks went
-- forward on Sunday 2025-03-09): one hour each side
t:eq(ny:business_minutes("2025-03-07 16:00", "2025-03-10 10:00"), 120, "weekend across DST start")
t:eq(ny:business_minutes("2025-03-07T21:00:00Z", "2025-03-10T14:00:00Z"), 120, "same in UTC")
t:eq(ny:business_minutes("2025-03-07T16:00:00-05:00", revl.datetime("2025-03-10T14:00:00Z")), 120,
     "offsets and datetimes")
-- DST end (2025-11-02): Friday 16:00 EDT to Monday 10:00 EST
t:eq(ny:business_minutes("2025-10-31T20:00:00Z", "2025-11-03T15:00:00Z"), 120, "weekend across DST end")
t:eq(ny:business_minutes("2025-06-07 10:00", "2025-06-08 16:00"), 0, "Saturday to Sunday")
t:eq(ny:business_minutes("2025-06-02 07:00", "2025-06-02 10:00"), 60, "before opening")
t:eq(ny:business_minutes("2025-06-02 18:00", "2025-06-02 23:00"), 0, "after closing")
t:eq(ny:business_minutes("2025-06-02 09:00", "2025-06-09 09:00"), 2400, "a week is 5 x 8 hours")
t:eq(ny:business_minutes("2025-03-10 10:00", "2025-03-07 16:00"), -120, "reversed is negative")
t:eq(ny:business_minutes("2025-06-02 09:00:30", "2025-06-02 09:01:00"), 0.5, "seconds count")
t:eq(ny:business_seconds("2025-06-02 09:00", "2025-06-02 09:01:30"), 90, "business_seconds")
-- holidays
t:eq(ny:business_minutes("2025-12-24 16:00", "2025-12-26 10:00"), 120, "Christmas is a holiday")
t:eq(ny:business_minutes("2025-07-03 16:00", "2025-07-07 10:00"), 120, "July 4th (a date value)")
t:eq(ny:business_minutes(revl.date("2025-06-02"), revl.date("2025-06-03")), 480, "dates: local midnights")
-- far from the first table of days (it grows on demand), both ways
t:eq(ny:business_minutes("2030-01-07 09:00", "2030-01-14 09:00"), 2400, "2030")
t:eq(ny:business_minutes("2001-01-08 09:00", "2001-01-15 09:00"), 2400, "2001")

-- adding business time
t:eq(tostring(ny:add("2025-03-07 16:30", 60)), "2025-03-10T13:30:00Z", "add across a weekend and DST")
t:eq(tostring(ny:add("2025-12-24 16:00", 120)), "2025-12-26T15:00:00Z", "add across a holiday")
t:eq(tostring(ny:add("2025-06-07 12:00", 30)), "2025-06-09T13:30:00Z", "add from a weekend")
t:eq(tostring(ny:add("2025-06-02 10:00", 0)), "2025-06-02T14:00:00Z", "add nothing")
-- 10 working days from Wednesday 2030-01-02 09:00 EST end on Tuesday the 15th at 17:00
t:eq(tostring(ny:add("2030-01-02 09:00", 480 * 10)), "2030-01-15T22:00:00Z", "add past the table")

-- open, business days, local time
t:ok(ny:is_open("2025-06-02T13:30:00Z"), "Monday 09:30 EDT is open")
t:ok(not ny:is_open("2025-06-02T21:30:00Z"), "17:30 is closed")
t:ok(not ny:is_open("2025-06-07T15:00:00Z"), "Saturday is closed")
t:ok(not ny:is_open("2025-07-04T15:00:00Z"), "a holiday is closed")
t:ok(not ny:is_business_day(revl.date("2025-12-25")), "Christmas")
t:ok(ny:is_business_day(revl.date("2025-12-26")), "Boxing day is worked here")
t:ok(not ny:is_business_day("2025-12-27"), "Saturday")
-- (22, 29]: 23, 24, 26, 29 (25 a holiday, 27-28 a weekend)
t:eq(ny:business_days(revl.date("2025-12-22"), revl.date("2025-12-29")), 4, "business days")
t:eq(ny:local_time("2025-03-10T13:00:00Z"), "2025-03-10T09:00:00-04:00", "local time in EDT")
t:eq(ny:local_time("2025-03-07T14:00:00Z"), "2025-03-07T09:00:00-05:00", "local time in EST")
t:eq(tostring(ny:local_date("2025-06-03T02:00:00Z")), "2025-06-02", "local date")
t:eq(tostring(ny:instant("2025-06-02 09:00")), "2025-06-02T13:00:00Z", "local text to an instant")

-- a 24-hour calendar: the spring-forward day has 23 hours, the fall-back day 25
local always = revl.calendar { timezone = "America/New_York", hours = { "00:00", "24:00" }, days = "Mon-Sun" }
t:eq(always:business_minutes("2025-03-09 00:00", "2025-03-10 00:00"), 23 * 60, "23-hour day")
t:eq(always:business_minutes("2025-11-02 00:00", "2025-11-03 00:00"), 25 * 60, "25-hour day")
t:eq(always:business_minutes("2025-06-02T00:00:00Z", "2025-06-03T00:00:00Z"), 24 * 60, "24-hour day")

-- other zones
local tokyo = revl.calendar { timezone = "Asia/Tokyo", hours = { "09:00", "18:00" } }
t:eq(tokyo:business_minutes("2025-06-02T00:00:00Z", "2025-06-02T09:00:00Z"), 540, "Tokyo day in UTC")
t:eq(tokyo:local_time("2025-06-02T00:00:00Z"), "2025-06-02T09:00:00+09:00", "JST")
local london = revl.calendar { timezone = "Europe/London", days = "Mon-Fri" }
-- BST starts on Sunday 2025-03-30: Friday 16:00 GMT to Monday 10:00 BST
t:eq(london:business_minutes("2025-03-28T16:00:00Z", "2025-03-31T09:00:00Z"), 120, "London across BST")
local sunthu = revl.calendar { timezone = "Asia/Dubai", days = "Sun-Thu", hours = { "08:00", "16:00" } }
t:ok(sunthu:is_business_day("2025-06-08"), "Sunday works in a Sun-Thu week")
t:ok(not sunthu:is_business_day("2025-06-06"), "Friday does not")
local utc = revl.calendar {}
t:eq(utc:timezone(), "UTC", "default zone")
t:eq(utc:business_minutes("2025-06-02T08:00:00Z", "2025-06-02T10:00:00Z"), 60, "default 09-17 UTC")

-- bad calendars
t:err(function() revl.calendar { timezone = "Mars/Olympus_Mons" } end,
      "unknown time zone 'Mars/Olympus_Mons'", "unknown zone")
t:err(function() revl.calendar { timezone = "../etc/passwd" } end, "unknown time zone", "unsafe zone")
t:err(function() revl.calendar { hours = { "9am", "17:00" } } end, "hours malformed", "hours text")
t:err(function() revl.calendar { hours = { "17:00", "09:00" } } end, "is not before", "reversed hours")
t:err(function() revl.calendar { hours = { "09:00", "24:30" } } end, "hours malformed", "after 24:00")
t:err(function() revl.calendar { hours = "09:00-17:00" } end, "hours malformed", "hours as one text")
t:err(function() revl.calendar { days = { "Mon", "Funday" } } end, "unknown day 'Funday'", "unknown day")
t:err(function() revl.calendar { holidays = { "2025-13-01" } } end, "not a date", "bad holiday")
t:err(function() revl.calendar { timezone = "UTC", open = "09:00" } end, "unknown option 'open'", "typo")
t:err(function() ny:business_minutes("yesterday", "2025-06-02") end, "not a date or datetime", "bad time")

return t:done()
