// duck.cjs - the benchmark's DuckDB side: the per-VM egress of a month
// from a GCP detailed billing export, with read_csv.
//
// usage: NODE_PATH=.../node_modules node duck.cjs BILLING.csv YYYY-MM
//
// Prints one line per VM: its name, its egress rows and their bytes
// (usage.amount), tab-separated and sorted by name; the same aggregate
// planner computes (the SKU patterns of data/egress_skus.tsv, the rows
// whose usage starts in the month).  bench/run.sh compares the two.
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

const sql = `
SELECT "resource.name" AS vm, COUNT(*) AS n_rows,
       SUM("usage.amount") AS bytes
FROM read_csv($file, header = true)
WHERE regexp_full_match("sku.description", 'Network (Inter Region|Internet) '
        || '(Data Transfer Out|Egress) from .+ to .+')
  AND usage_start_time >= CAST($start AS TIMESTAMP)
  AND usage_start_time < CAST($start AS TIMESTAMP) + INTERVAL 1 MONTH
GROUP BY ALL ORDER BY vm`;

async function main() {
	const [file, month] = process.argv.slice(2);
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const r = await con.runAndReadAll(sql, { file, start: month + '-01' });
	const out = r.getRows().map((row) => row.join('\t'));
	process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
	process.stderr.write('duck.cjs: ' + err.message + '\n');
	process.exit(1);
});
