/*
 * test_rate.c - rate cards: marginal tiers (pitfall B05), explicit and
 * checked units (B06), flat prices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "money.h"
#include "ratecard.h"
#include "t.h"

#define GIB BYTES_PER_GIB

static const char *
write_card(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/rate_card.%ld", (long)getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int
read_card(const char *text, struct rate_schedule *c, struct rate_schedule *s)
{
	struct perr e;
	int64_t per_day = 0;
	int rc = rate_card_read(write_card(text), c, s, &per_day, &e);

	unlink(write_card(""));
	return rc;
}

static const char tiers[] =
	"# B05's tiers\n"
	"cross_region 0.12 USD/GiB upto 1024 GiB\n"
	"cross_region 0.11 USD/GiB upto 10 TiB\n"
	"cross_region 0.08 USD/GiB\n"
	"same_region 0 USD/GiB\n";

/* B05: the marginal walk, at the tier edges. */
static void
test_marginal(void)
{
	struct rate_schedule c, s;

	CHECK_INT(read_card(tiers, &c, &s), 0);
	CHECK_INT(c.n, 3);
	CHECK_INT(rate_cost(&c, 1024 * GIB), 122880000);
	CHECK_INT(rate_cost(&c, 1025 * GIB), 122990000);
	CHECK_INT(rate_cost(&c, 10240 * GIB), 1136640000);
	CHECK_INT(rate_cost(&c, 10241 * GIB), 1136720000);
	CHECK_INT(rate_cost(&c, 0), 0);
	CHECK_INT(rate_cost(&s, 10241 * GIB), 0);
}

/* Cost never falls as volume grows, across every edge. */
static void
test_monotonic(void)
{
	struct rate_schedule c, s;
	int64_t b, prev = -1, cost;
	int ok = 1;

	read_card(tiers, &c, &s);
	for (b = 1000 * GIB; b < 11000 * GIB; b += GIB / 3 + 12345) {
		cost = rate_cost(&c, b);
		if (cost < prev)
			ok = 0;
		prev = cost;
	}
	CHECK(ok);
}

/* B06: a boundary must say its unit, and a unit must be known. */
static void
test_units(void)
{
	struct rate_schedule c, s;

	CHECK(read_card("cross_region 0.12 USD/GiB upto 1 TB\n"
			"cross_region 0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) == 0);
	CHECK_INT(c.t[0].upto_bytes, 1000000000000LL);	/* decimal TB */
	CHECK(read_card("cross_region 0.12 USD/GiB upto 1 PiB\n"
			"cross_region 0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) == 0);
	CHECK_INT(c.t[0].upto_bytes, 1LL << 50);
	CHECK(read_card("cross_region 0.12 USD/GiB upto 1 furlong\n"
			"cross_region 0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("cross_region 0.12 USD/GiB upto 1\n"
			"cross_region 0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("cross_region 0.12 EUR/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	/* USD/GB is converted: $1/GB is $1.073741824/GiB. */
	CHECK(read_card("cross_region 1 USD/GB\nsame_region 0 USD/GiB\n",
			&c, &s) == 0);
	CHECK_INT(c.t[0].micro_per_gib, 1073742);
}

/* Boundaries grow, every schedule ends, nothing follows its end. */
static void
test_structure(void)
{
	struct rate_schedule c, s;

	CHECK(read_card("cross_region 0.12 USD/GiB upto 10 TiB\n"
			"cross_region 0.11 USD/GiB upto 1 TiB\n"
			"cross_region 0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("cross_region 0.12 USD/GiB upto 10 TiB\n"
			"same_region 0 USD/GiB\n", &c, &s) != 0);
	CHECK(read_card("cross_region 0.1 USD/GiB\n"
			"cross_region 0.2 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("cross_region -0.1 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("cross_region 1,5 USD/GiB\nsame_region 0 USD/GiB\n",
			&c, &s) != 0);
	CHECK(read_card("nonsense 1 USD/GiB\n", &c, &s) != 0);
}

/* The built-in card is the mission's flat $0.01 and $0. */
static void
test_builtin(void)
{
	struct rate_schedule c, s;
	struct perr e;
	int64_t per_day = 0;

	CHECK_INT(rate_card_read(NULL, &c, &s, &per_day, &e), 0);
	CHECK_INT(c.n, 1);
	CHECK_INT(rate_cost(&c, 3000 * GIB), 30000000);
	CHECK_INT(rate_cost(&s, 3000 * GIB), 0);
	CHECK_INT(per_day, 100 * GIB);
}

int
main(void)
{
	T_RUN(test_marginal);
	T_RUN(test_monotonic);
	T_RUN(test_units);
	T_RUN(test_structure);
	T_RUN(test_builtin);
	return T_DONE();
}
