/*
 * test_time.c - UTC instants and months (timeutil.h).
 */
#include <stdint.h>

#include "t.h"
#include "timeutil.h"

static int64_t
tp(const char *s, int *ok)
{
	int64_t v = 0;

	*ok = time_parse(s, strlen(s), &v) == 0;
	return v;
}

#define T_EQ(s, want) do { int t_ok; int64_t t_v = tp(s, &t_ok);	\
	CHECK(t_ok); CHECK_INT(t_v, want); } while (0)
#define T_BAD(s) do { int t_ok; tp(s, &t_ok); CHECK(!t_ok); } while (0)

static void
test_forms(void)
{
	T_EQ("1970-01-01", 0);
	T_EQ("2025-06-01 00:00:00 UTC", 1748736000);
	T_EQ("2025-06-02 03:32:21.018546 UTC", 1748835141);
	T_EQ("2025-06-01T00:00:00Z", 1748736000);
	T_EQ("2025-06-01T00:00:00", 1748736000);
	/* gcloud's Pacific offsets, both sides of daylight saving time. */
	T_EQ("2021-11-23T06:01:19.410-08:00", 1637676079);
	T_EQ("2017-05-26T22:07:36.275-07:00", 1495861656);
	T_EQ("2024-02-29T12:00:00+05:30", 1709188200);
	T_EQ("2000-03-01", 951868800);
}

static void
test_rejects(void)
{
	T_BAD("");
	T_BAD("2025-6-01");
	T_BAD("2025-02-30");
	T_BAD("2023-02-29");
	T_BAD("2025-13-01");
	T_BAD("2025-06-01 25:00:00");
	T_BAD("2025-06-01T00:00:00 PST");
	T_BAD("2025-06-01T00:00:00+0800");
	T_BAD("2025-06-01x");
	T_BAD("1748736000");
	T_BAD("9999-12-31 00:00:00 UTC");	/* "never" */
	T_BAD("1969-12-31T23:59:59Z");
	T_EQ("2199-12-31", 7258032000LL);
}

static void
test_months(void)
{
	int64_t a, b;
	char buf[8];

	CHECK(month_parse("2025-06", &a, &b) == 0);
	CHECK_INT(a, 1748736000);
	CHECK_INT(b - a, 30 * 86400);
	CHECK(month_parse("2024-02", &a, &b) == 0);
	CHECK_INT(b - a, 29 * 86400);
	CHECK(month_parse("2025-13", &a, &b) != 0);
	CHECK(month_parse("2025-6", &a, &b) != 0);
	CHECK(month_parse("2025-06-01", &a, &b) != 0);
	month_of(1748736000, buf, sizeof(buf));
	CHECK_STR(buf, "2025-06");
	month_of(1748735999, buf, sizeof(buf));
	CHECK_STR(buf, "2025-05");
	month_of(951868799, buf, sizeof(buf));
	CHECK_STR(buf, "2000-02");
}

int
main(void)
{
	T_RUN(test_forms);
	T_RUN(test_rejects);
	T_RUN(test_months);
	return T_DONE();
}
