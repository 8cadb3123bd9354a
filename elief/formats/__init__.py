"""The date styles of the interface, one module per language (FORMAT_MODULE_PATH).

Templates and code name a style rather than spell a format, so every page writes a date
the same way: `{{ day|date:"SHORT_DAY_FORMAT" }}` or `formats.date_format(day, "DAY_FORMAT")`.

| name                    | nl                          | en                        |
|-------------------------|-----------------------------|---------------------------|
| DATE_FORMAT             | 3 december 2026             | 3 December 2026           |
| SHORT_DATE_FORMAT       | 3 dec 2026                  | 3 Dec 2026                |
| DAY_FORMAT              | donderdag 3 december 2026   | Thursday 3 December 2026  |
| SHORT_DAY_FORMAT        | do 3 dec                    | Thu 3 Dec                 |
| WEEKDAY_DAY_FORMAT      | do 3                        | Thu 3                     |
| MONTH_DAY_FORMAT        | 3 december                  | 3 December                |
| SHORT_MONTH_DAY_FORMAT  | 3 dec                       | 3 Dec                     |
| YEAR_MONTH_FORMAT       | december 2026               | December 2026             |
| SHORT_YEAR_MONTH_FORMAT | dec 2026                    | Dec 2026                  |
| DATETIME_FORMAT         | 3 december 2026 14:05       | 3 December 2026 14:05     |
| SHORT_DATETIME_FORMAT   | 3 dec 2026 14:05            | 3 Dec 2026 14:05          |
| SHORT_DAY_TIME_FORMAT   | do 3 dec 14:05              | Thu 3 Dec 14:05           |

Dutch writes months and weekdays in lower case; Django's "M" capitalises the abbreviation
("Dec", "Mrt"), so the Dutch styles use "b" instead.
"""
