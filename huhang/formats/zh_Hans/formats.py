"""Simplified Chinese: 2026-03-20 and 2026-03-20 14:05 instead of Django's 2026年3月20日 14:05. What is not set here
(month names, number grouping) comes from Django's own zh_Hans formats."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"  # 7月15日 (Django's has 07月15日)
# The first input format is also the one a plain date field shows its value in (Django's zh_Hans has 2026/03/20).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M"]
