//! `gen-corpus`: writes a synthetic content repository for lede's benchmarks.
//!
//! ```text
//! cargo run --release --example gen-corpus -- --out DIR --stories N
//!     [--topics T (500)] [--invalid-per-mille K (0)] [--seed S (1)] [--force]
//! ```
//!
//! The repository has `lede.toml`, `schemas/` (the project's own schema files,
//! embedded at build time), `topics/<id>.toml` and
//! `stories/<yyyy>/<slug>.toml` sharded over the years 2000–2025. Each story
//! is an explainer of about 9 KB shaped like `shared/reference/example-story.txt`:
//! the four standard sections within their word limits, 3–6 sources in
//! "What the papers say", 3–5 FAQ entries and 2–5 references to existing
//! topics. Everything is a pure function of the seed and the arguments: each
//! story draws from its own random stream (seed, index), so generating in
//! parallel gives the same bytes as generating in order.
//!
//! With `--invalid-per-mille K`, about K stories per thousand carry one
//! deliberate defect. `invalid.txt` lists them, one per line:
//! `<relative path> <kind> <detector>`, where detector is `schema` (JSON
//! Schema tools such as check-jsonschema see it too) or `lede` (only lede's
//! editorial and cross-record rules see it).

use rayon::prelude::*;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const STORY_SCHEMA: &str = include_str!("../schemas/story.schema.json");
const TOPIC_SCHEMA: &str = include_str!("../schemas/topic.schema.json");

const LEDE_TOML: &str = r#"# lede configuration for a generated benchmark newsroom.

[newsroom]
name = "The Lede Benchmark Newsroom"
desks = ["world", "politics", "business", "science", "culture"]

[validate]
max_file_size = "1 MiB"
deny_warnings = false
"#;

// ---------------------------------------------------------------------------
// Randomness: splitmix64, one stream per (seed, purpose, index).

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
        r.0 = r.0.wrapping_add(stream.wrapping_mul(0xbf58_476d_1ce4_e5b9));
        r.next();
        r.0 ^= index.wrapping_mul(0x94d0_49bb_1331_11eb);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }
}

const STREAM_TOPIC: u64 = 1;
const STREAM_STORY: u64 = 2;
const STREAM_DEFECT: u64 = 3;

// ---------------------------------------------------------------------------
// Word pools. Plain ASCII except where slugify knows how to fold the letter.

const PLACES: &[&str] = &[
    "Kazakhstan",
    "Israel",
    "Morocco",
    "Bahrain",
    "Argentina",
    "Brazil",
    "Chile",
    "Peru",
    "Colombia",
    "Mexico",
    "Canada",
    "Ireland",
    "Portugal",
    "Spain",
    "France",
    "Germany",
    "Poland",
    "Ukraine",
    "Romania",
    "Hungary",
    "Greece",
    "Turkey",
    "Egypt",
    "Kenya",
    "Nigeria",
    "Ghana",
    "Senegal",
    "Ethiopia",
    "South Africa",
    "Namibia",
    "India",
    "Pakistan",
    "Bangladesh",
    "Sri Lanka",
    "Nepal",
    "Vietnam",
    "Indonesia",
    "Malaysia",
    "the Philippines",
    "Japan",
    "South Korea",
    "Taiwan",
    "Mongolia",
    "Uzbekistan",
    "Georgia",
    "Armenia",
    "Azerbaijan",
    "Finland",
    "Sweden",
    "Norway",
    "Denmark",
    "Iceland",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Australia",
    "New Zealand",
    "Fiji",
    "Qatar",
    "Oman",
    "Jordan",
    "Lebanon",
    "Tunisia",
    "Algeria",
    "Côte d'Ivoire",
    "Rwanda",
    "Tanzania",
    "Uganda",
    "Zambia",
    "Botswana",
    "Bolivia",
    "Ecuador",
    "Uruguay",
    "Paraguay",
    "Panama",
    "Costa Rica",
    "Guatemala",
    "Cuba",
    "Jamaica",
    "Haiti",
];

const CITIES: &[&str] = &[
    "Astana",
    "Lagos",
    "Nairobi",
    "Lima",
    "Bogotá",
    "São Paulo",
    "Montreal",
    "Lisbon",
    "Marseille",
    "Hamburg",
    "Gdansk",
    "Odesa",
    "Thessaloniki",
    "Izmir",
    "Alexandria",
    "Accra",
    "Dakar",
    "Addis Ababa",
    "Cape Town",
    "Mumbai",
    "Karachi",
    "Dhaka",
    "Hanoi",
    "Jakarta",
    "Osaka",
    "Busan",
    "Ulaanbaatar",
    "Tbilisi",
    "Tampere",
    "Gothenburg",
    "Bergen",
    "Tallinn",
    "Melbourne",
    "Auckland",
    "Doha",
    "Amman",
    "Tunis",
    "Kigali",
    "Kampala",
    "Montevideo",
    "Valparaíso",
    "Quito",
    "Cartagena",
    "Monterrey",
    "Glasgow",
    "Cork",
    "Bilbao",
    "Turin",
];

const FIRST: &[&str] = &[
    "Amara", "Daniel", "Leila", "Tomás", "Ingrid", "Kwame", "Priya", "Mateo", "Yuki", "Nadia",
    "Oskar", "Fatima", "Rafael", "Elena", "Samuel", "Aisha", "Jonas", "Camila", "Hiroshi",
    "Zainab", "Lukas", "Marta", "Ibrahim", "Sofia", "Arjun", "Chloe", "Dmitri", "Grace", "Emeka",
    "Lucía", "Henrik", "Mei", "Omar", "Isabel", "Tariq", "Anya", "Felipe", "Hana", "Kofi", "Clara",
    "Viktor", "Noor", "Andrés", "Freya", "Malik", "Rosa", "Sven", "Ayumi", "Joseph", "Beatriz",
    "Nikolai", "Adaeze", "Pablo", "Sara", "Ruth", "Thabo", "Ewa", "Luis",
];

const LAST: &[&str] = &[
    "Okafor",
    "Mendes",
    "Haddad",
    "Lindqvist",
    "Mensah",
    "Raman",
    "Castillo",
    "Tanaka",
    "Petrenko",
    "Berg",
    "Rahman",
    "Moreau",
    "Novak",
    "Adeyemi",
    "Schneider",
    "Kowalski",
    "Nakamura",
    "Alvarez",
    "Osei",
    "Fischer",
    "Farouk",
    "Silva",
    "Kim",
    "Ivanova",
    "Nwosu",
    "Santos",
    "Hansen",
    "Chen",
    "Aziz",
    "Dubois",
    "Kruger",
    "Ortega",
    "Yilmaz",
    "Murphy",
    "Ferreira",
    "Banda",
    "Sato",
    "Khan",
    "Weber",
    "Costa",
    "Mwangi",
    "Lopez",
    "Nielsen",
    "Park",
    "Popescu",
    "Rossi",
    "Abebe",
    "Hughes",
    "Varga",
    "Ndiaye",
    "Kaur",
    "Laine",
];

const ROLES: &[&str] = &[
    "foreign minister",
    "prime minister",
    "finance minister",
    "central bank governor",
    "opposition leader",
    "president",
    "trade envoy",
    "chief executive",
    "health minister",
    "energy minister",
    "union leader",
    "museum director",
    "chief scientist",
    "mayor",
    "defence minister",
    "party chair",
    "culture minister",
    "economy minister",
];

const ORGS: &[&str] = &[
    "World Health Organization",
    "European Central Bank",
    "Nato",
    "African Union",
    "International Monetary Fund",
    "World Bank",
    "United Nations Security Council",
    "World Trade Organization",
    "Opec",
    "European Commission",
    "Asean",
    "Mercosur",
    "International Atomic Energy Agency",
    "Red Cross",
    "Unesco",
    "Interpol",
    "International Criminal Court",
    "Bank of England",
    "Federal Reserve",
    "European Space Agency",
    "Organisation for Economic Co-operation and Development",
    "Arab League",
    "Commonwealth",
    "Gulf Cooperation Council",
    "Council of Europe",
];

const ORG_PATTERNS: &[&str] = &[
    "Central Bank of {P}",
    "{P} Football Federation",
    "National Museum of {P}",
    "{L} Holdings",
    "{L} & {L2} Group",
    "{P} Electoral Commission",
    "{C} Port Authority",
    "{P} Space Agency",
    "{C} Philharmonic",
    "{P} Chamber of Commerce",
    "{L} Energy",
    "{C} University",
    "{P} Workers' Union",
    "{L} Pharmaceuticals",
    "{P} Supreme Court",
];

const AGREEMENTS: &[&str] = &[
    "Abraham Accords",
    "Paris Agreement",
    "Good Friday Agreement",
    "Kyoto Protocol",
    "Minsk agreements",
    "Schengen Agreement",
    "Iran nuclear deal",
    "Black Sea grain deal",
    "Aukus pact",
    "Windsor Framework",
    "High Seas Treaty",
    "Montreal Protocol",
];

const AGREEMENT_PATTERNS: &[&str] = &[
    "{P}–{P2} trade pact",
    "{C} Protocol",
    "{P}–{P2} border accord",
    "{C} ceasefire accord",
    "{P}–{P2} gas deal",
    "{C} Declaration",
    "{P} debt restructuring deal",
];

const EVENTS: &[&str] = &[
    "Gaza war",
    "Covid-19 pandemic",
    "2008 financial crisis",
    "Arab Spring",
    "Brexit",
    "war in Ukraine",
    "Cop28 climate summit",
    "Paris Olympics",
    "Venice Biennale",
    "Cannes Film Festival",
    "G20 summit",
    "World Cup",
];

const EVENT_PATTERNS: &[&str] = &[
    "{C} climate summit",
    "{Y} {P} general election",
    "{C} earthquake",
    "{Y} {C} floods",
    "{C} book fair",
    "{P} referendum of {Y}",
    "{C} marathon",
    "{C} peace talks",
    "{Y} {P} banking crisis",
    "{C} film festival",
];

const SUBJECTS: &[&str] = &[
    "inflation",
    "artificial intelligence",
    "housing",
    "migration",
    "energy prices",
    "climate change",
    "press freedom",
    "public debt",
    "food security",
    "vaccines",
    "water scarcity",
    "cybersecurity",
    "minimum wage",
    "rare earths",
    "shipping",
    "refugees",
    "heritage restitution",
    "streaming",
    "nuclear power",
    "space exploration",
    "drought",
    "tariffs",
    "pensions",
    "plastic pollution",
    "gene editing",
    "deforestation",
    "child poverty",
    "rail travel",
    "wildfires",
    "coral reefs",
];

const DESKS: &[&str] = &["world", "politics", "business", "science", "culture"];

/// Subject noun phrases per desk, used as "the {S}".
const DESK_SUBJECTS: [&[&str]; 5] = [
    &[
        "ceasefire plan",
        "border deal",
        "sanctions package",
        "peace initiative",
        "security pact",
        "prisoner exchange",
        "aid corridor",
        "normalisation deal",
        "military drills",
        "embassy move",
    ],
    &[
        "budget bill",
        "cabinet reshuffle",
        "referendum",
        "tax reform",
        "voting law",
        "coalition deal",
        "leadership contest",
        "pension overhaul",
        "anti-corruption drive",
        "constitutional amendment",
    ],
    &[
        "merger",
        "interest-rate decision",
        "tariff plan",
        "earnings warning",
        "strike",
        "bond sale",
        "takeover bid",
        "price cap",
        "chip subsidy",
        "bank rescue",
    ],
    &[
        "vaccine trial",
        "climate report",
        "lunar mission",
        "fusion experiment",
        "gene therapy",
        "drought study",
        "telescope survey",
        "ocean census",
        "battery breakthrough",
        "malaria programme",
    ],
    &[
        "film festival",
        "museum restitution",
        "literary prize",
        "stadium tour",
        "heritage listing",
        "arts funding cut",
        "opera revival",
        "streaming deal",
        "biennale pavilion",
        "library closure",
    ],
];

const OUTLETS: &[(&str, &str)] = &[
    ("The New Arab", "newarab.com"),
    ("The New York Times", "nytimes.com"),
    ("France 24", "france24.com"),
    ("The Times of Israel", "timesofisrael.com"),
    ("AP News", "apnews.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("The Guardian", "theguardian.com"),
    ("Financial Times", "ft.com"),
    ("Reuters", "reuters.com"),
    ("BBC News", "bbc.co.uk"),
    ("Le Monde", "lemonde.fr"),
    ("Der Spiegel", "spiegel.de"),
    ("The Hindu", "thehindu.com"),
    ("South China Morning Post", "scmp.com"),
    ("Daily Maverick", "dailymaverick.co.za"),
    ("El País", "elpais.com"),
    ("The Washington Post", "washingtonpost.com"),
    ("Nikkei Asia", "asia.nikkei.com"),
    ("The Economist", "economist.com"),
    ("Bloomberg", "bloomberg.com"),
    ("Politico Europe", "politico.eu"),
    ("The Irish Times", "irishtimes.com"),
    ("Nature", "nature.com"),
    ("The Conversation", "theconversation.com"),
];

const EMPHASIS_VERBS: &[&str] = &[
    "highlights",
    "notes",
    "reports",
    "underscores",
    "emphasises",
    "points out",
    "argues",
    "warns",
    "suggests",
    "observes",
    "stresses",
    "cautions",
];

const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// Sentence templates. Placeholders: {A} {B} {C} topic names; {S} the story's
// subject phrase; {T} a topic subject; {Y} the story year; {Y1}/{Y2} earlier
// years; {N} a small number; {P} a percentage; {M} a month; {D} a weekday;
// {PER}/{PER2} people; {ROLE} a role; {OUT} an outlet; {CITY} a city.

const HEADLINES: &[&str] = &[
    "{A} to join the {S} despite objections from {B}",
    "{A} and {B} at odds over the {S}",
    "What the {S} means for {A}",
    "{A} moves ahead with the {S}",
    "{A} backs the {S} as pressure from {B} grows",
    "Why {A} is betting on the {S}",
    "{A} unveils the {S} after months of talks",
    "{A} pauses the {S} amid questions over cost",
    "{B} welcomes {A}'s {S}, with caveats",
    "Inside the {S}: how {A} got here",
    "{A}'s {S} faces its first real test",
    "The {S} that could reshape {A}",
];

const LEDE: &[&str] = &[
    "{A} is set to press ahead with the {S}, officials confirmed on {D}, despite months of resistance from {B}.",
    "The announcement came after a late-night meeting in {CITY}, where negotiators from {A} and {B} worked through the final text.",
    "{PER}, the {ROLE}, said the {S} would take effect in {M} and described it as a logical next step.",
    "The move is largely symbolic, analysts say, because {A} already cooperates closely with {B} on {T}.",
    "Markets reacted calmly, with the main index closing {P} higher by the end of the session.",
    "Critics argue the {S} was rushed and that its costs have not been properly explained to the public.",
    "Around {N} delegations attended the signing, which was broadcast live on state television.",
    "The decision follows weeks of speculation and a leaked draft that circulated in {CITY} last month.",
    "{B} said it would study the details before deciding how to respond.",
    "Supporters say the {S} could unlock investment worth billions over the next {N} years.",
    "The government has promised a full debate in parliament before the end of {M}.",
    "Officials in {A} said the first phase would focus on {T}, with further steps to follow.",
];

const ANALYSIS: &[&str] = &[
    "The {S} is less a turning point than a signal of intent.",
    "For {A}, the decision is about positioning as much as policy: it wants to be seen as a reliable partner at a moment when {B} is recalculating its own interests.",
    "That matters because {T} has become the issue on which governments in the region are judged, and the {S} gives {A} something concrete to point to.",
    "Yet the gains may prove modest. Similar initiatives in {Y1} and {Y2} produced headlines but little lasting change, and the institutions needed to carry this one through remain thin.",
    "{PER}, the {ROLE}, has staked considerable political capital on the outcome, and opponents have been quick to frame any setback as a personal failure.",
    "There is also a domestic audience to consider. Polling suggests about {P} of voters support the {S}, but that support is soft and could evaporate if prices rise.",
    "The timing is revealing. With elections due within {N} months, the government needs a visible success, and foreign policy offers one that is cheaper than tax cuts.",
    "Behind the scenes, diplomats describe a more cautious picture, in which {B} agreed only after securing assurances on {T}.",
    "The broader context is the contest for influence between larger powers, each of which sees {A} as a useful partner rather than a decisive one.",
    "Economists point out that the financial commitments are spread over many years, which makes the headline figures look larger than the money that will actually move.",
    "Some observers worry that the {S} sets a precedent that others will exploit, especially if enforcement remains voluntary.",
    "In that sense, the {S} reflects a familiar pattern: bold announcements, followed by slow and uneven implementation.",
    "Still, symbolism has consequences. Once a commitment is public, walking it back carries a cost, and that alone may keep the process moving.",
    "Much will depend on {C}, whose cooperation is needed for the practical parts of the plan and whose priorities lie elsewhere.",
    "Officials privately concede that the hardest questions, including who pays and who monitors compliance, have been postponed rather than settled.",
    "For ordinary people, the effects will take time to appear. The first measurable changes are not expected before {M} next year.",
    "The {S} also exposes divisions inside the governing coalition, where one junior partner has threatened to walk out over the lack of consultation.",
    "If it works, the {S} could become a template for how mid-sized states manage competing pressures on {T}.",
    "{PER2}, who advised the previous government, called the {S} “a reasonable bet with a long tail of risks”.",
];

const HISTORY: &[&str] = &[
    "The roots of the {S} go back to {Y2}, when {A} first opened formal talks with {B}.",
    "Those talks stalled in {Y1} after a dispute over {T} and a change of government in {A}.",
    "In the years that followed, officials kept a low-profile channel open through {CITY}, meeting roughly {N} times a year.",
    "A breakthrough came when {PER}, then the {ROLE}, proposed splitting the most contentious issues into separate tracks.",
    "The {C} played a quiet role, hosting technical meetings and offering guarantees that neither side could give the other.",
    "By {Y1}, the outline of a deal was widely known, but political crises on both sides kept it off the agenda.",
    "The economic shock of the pandemic years changed the calculation, making cooperation on {T} more urgent.",
    "Earlier attempts at a similar arrangement collapsed in {Y2} amid accusations of bad faith.",
    "Public opinion has shifted slowly: surveys in {Y1} found only a minority in favour, compared with a narrow majority now.",
    "Last {M}, a draft agreement was initialled in {CITY}, setting the stage for this week's announcement.",
    "The current government inherited the file from its predecessor and chose to accelerate rather than reopen it.",
    "Since independence, {A} has tried to balance relations with larger neighbours, a habit that shapes the {S} as well.",
];

const PAPER_TAKES: &[&str] = &[
    "{OUT} {V} that the {S} is largely symbolic and that its real purpose is to strengthen {A}'s hand in talks with {B}.",
    "{OUT} {V} that {PER}, the {ROLE}, described the decision as a logical continuation of existing policy.",
    "{OUT} {V} that critics in {A} see the {S} as a distraction from rising concern about {T}.",
    "{OUT} {V} that the agreement was reached faster than expected after {B} dropped a key demand.",
    "{OUT} {V} the economic angle, estimating that trade could grow by {P} within {N} years.",
    "{OUT} {V} that similar promises in {Y1} were never fully delivered.",
    "{OUT} {V} that regional rivals are watching closely and may respond with initiatives of their own.",
    "{OUT} {V} that the {S} puts pressure on {C} to clarify its position.",
    "{OUT} {V} the human side of the story, quoting residents of {CITY} who doubt anything will change.",
    "{OUT} {V} that the legal details remain vague and that several provisions will need further negotiation.",
];

const PAPER_CLOSE: &[&str] = &[
    "Overall, the coverage agrees that the {S} is more significant as a signal than as a change of substance.",
    "Across outlets, the common thread is scepticism about delivery, tempered by recognition that the politics have shifted.",
    "Most commentators agree that the real test will come when the first deadlines arrive in {M}.",
];

const GISTS: &[&str] = &[
    "Frames the {S} as a symbolic gesture aimed at boosting {A}'s standing abroad.",
    "Focuses on the economic stakes, especially for exporters and for {T}.",
    "Stresses the objections raised by {B} and the risk of a backlash at home.",
    "Quotes {PER}, the {ROLE}, calling the move a logical continuation of policy.",
    "Emphasises the precedent set in {Y1} and asks whether lessons were learned.",
    "Argues that the deal mostly serves the interests of larger powers in the region.",
    "Highlights concerns from civil society groups about transparency and oversight.",
    "Says the timing is driven by domestic politics ahead of the next election.",
];

const FAQ: &[(&str, &str)] = &[
    ("why-now", "Why is this happening now?"),
    ("what-next", "What happens next?"),
    ("who-benefits", "Who stands to benefit from the {S}?"),
    (
        "is-it-symbolic",
        "Is the {S} just symbolic, or does it change anything?",
    ),
    (
        "what-does-it-cost",
        "How much will the {S} cost, and who pays?",
    ),
    ("how-did-b-react", "How has {B} reacted?"),
    ("what-about-t", "What does this mean for {T}?"),
    ("is-it-legal", "Is the {S} legally binding?"),
    ("who-opposes", "Who opposes the {S}, and why?"),
    (
        "has-this-happened-before",
        "Has anything like this happened before?",
    ),
    ("when-does-it-start", "When does the {S} take effect?"),
    (
        "what-changes-for-people",
        "What changes for ordinary people in {A}?",
    ),
    ("could-it-collapse", "Could the {S} still collapse?"),
    ("why-does-it-matter", "Why does the {S} matter beyond {A}?"),
];

const ANSWERS: &[&str] = &[
    "In the short term, very little changes on the ground.",
    "The first steps are technical: committees will be set up and timetables agreed over the coming months.",
    "The government says the costs will be shared, but it has not published a detailed breakdown.",
    "{B} has responded cautiously, welcoming the principle while reserving judgment on the details.",
    "Supporters argue that the {S} creates predictability, which investors value more than any single measure.",
    "Opponents say it was negotiated without enough scrutiny and want parliament to have the final word.",
    "Similar arrangements have been tried before, most recently in {Y1}, with mixed results.",
    "Much depends on whether the next government keeps the commitment.",
    "For most households, the effects on {T} will be gradual rather than immediate.",
    "Legal experts say the text is binding in parts, but enforcement relies largely on goodwill.",
    "The key dates to watch are in {M}, when the first review is due.",
    "Analysts expect the debate to continue well into next year.",
    "{PER2}, a former negotiator, says the details matter more than the headline.",
];

const EXTRA_SECTIONS: &[(&str, &str)] = &[
    ("key-numbers", "Key numbers"),
    ("what-to-watch", "What to watch"),
    ("reaction", "Reaction"),
];

const CORRECTIONS: &[&str] = &[
    "An earlier version misstated the year talks began.",
    "An earlier version gave the wrong title for {PER}.",
    "This story has been updated to correct a figure in the second section.",
    "An earlier version misattributed a quotation to {OUT}.",
];

// ---------------------------------------------------------------------------
// Text helpers

fn count_words(s: &str) -> usize {
    s.split_whitespace()
        .filter(|t| t.chars().any(|c| c.is_alphanumeric()))
        .count()
}

fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'ã' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'õ' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            '\'' | '’' => continue,
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Cuts a slug at a hyphen so that it is at most `max` bytes.
fn cut_slug(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let cut = &s[..max];
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// What a story's templates are filled with.
struct Ctx<'a> {
    a: &'a str,
    b: &'a str,
    c: &'a str,
    t: &'a str,
    s: &'a str,
    year: i32,
    per: String,
    per2: String,
    role: &'a str,
    city: &'a str,
    outlet: &'a str,
}

fn fill(tpl: &str, cx: &Ctx, rng: &mut Rng, out: &mut String) {
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let j = rest[i..]
            .find('}')
            .map(|j| i + j)
            .expect("unclosed placeholder");
        let key = &rest[i + 1..j];
        match key {
            "A" => out.push_str(cx.a),
            "B" => out.push_str(cx.b),
            "C" => out.push_str(cx.c),
            "T" => out.push_str(cx.t),
            "S" => out.push_str(cx.s),
            "Y" => write!(out, "{}", cx.year).unwrap(),
            "Y1" => write!(out, "{}", cx.year - rng.range(1, 6) as i32).unwrap(),
            "Y2" => write!(out, "{}", cx.year - rng.range(7, 30) as i32).unwrap(),
            "N" => write!(out, "{}", rng.range(2, 40)).unwrap(),
            "P" => write!(out, "{}.{}%", rng.range(0, 60), rng.below(10)).unwrap(),
            "M" => out.push_str(rng.pick(MONTHS)),
            "D" => out.push_str(rng.pick(DAYS)),
            "PER" => out.push_str(&cx.per),
            "PER2" => out.push_str(&cx.per2),
            "ROLE" => out.push_str(cx.role),
            "CITY" => out.push_str(cx.city),
            "OUT" => out.push_str(cx.outlet),
            "V" => out.push_str(rng.pick(EMPHASIS_VERBS)),
            other => panic!("unknown placeholder {{{other}}}"),
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
}

fn filled(tpl: &str, cx: &Ctx, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(tpl.len() + 32);
    fill(tpl, cx, rng, &mut s);
    s
}

const OPENERS: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "Meanwhile, ",
    "Still, ",
    "By contrast, ",
    "At the same time, ",
    "Notably, ",
    "In practice, ",
    "For now, ",
];

/// Builds Markdown prose of paragraphs from `pool` with at least `min` and at
/// most `max` words, aiming at a length drawn from `target`. Sentences repeat
/// only once the pool is used up.
fn prose(
    pool: &[&str],
    cx: &Ctx,
    rng: &mut Rng,
    min: usize,
    max: usize,
    target: (usize, usize),
) -> String {
    let target = rng.range(target.0, target.1);
    let mut order: Vec<usize> = (0..pool.len()).collect();
    rng.shuffle(&mut order);
    let mut out = String::with_capacity(target * 7);
    let mut words = 0;
    let mut in_para = 0;
    let mut para_len = rng.range(2, 4);
    let mut k = 0;
    let mut rounds = 0;
    while words < target && rounds < 4 {
        if k == order.len() {
            // Pool exhausted: start over with openers for variety.
            k = 0;
            rounds += 1;
            rng.shuffle(&mut order);
        }
        let mut sentence = String::new();
        let body = filled(pool[order[k]], cx, rng);
        k += 1;
        let takes_opener = ![
            "Yet ", "Still", "By ", "In that", "Behind", "Once", "Since", "Much ",
        ]
        .iter()
        .any(|p| body.starts_with(p));
        let opener = if takes_opener && (rounds > 0 || in_para > 0) {
            rng.pick(OPENERS)
        } else {
            ""
        };
        if opener.is_empty() {
            sentence.push_str(&body);
        } else {
            sentence.push_str(opener);
            // Lower-case the first letter unless it starts a name.
            let first_word = body.split_whitespace().next().unwrap_or("");
            if matches!(
                first_word,
                "A" | "The"
                    | "That"
                    | "There"
                    | "Those"
                    | "In"
                    | "For"
                    | "Some"
                    | "If"
                    | "Earlier"
                    | "Last"
                    | "Public"
                    | "Officials"
                    | "Critics"
                    | "Supporters"
                    | "Markets"
                    | "Economists"
                    | "Around"
                    | "Analysts"
                    | "Opponents"
                    | "Similar"
                    | "Legal"
            ) {
                sentence.push_str(&body[..1].to_lowercase());
                sentence.push_str(&body[1..]);
            } else {
                sentence.push_str(&body);
            }
        }
        let w = count_words(&sentence);
        if words + w > max {
            if words >= min {
                break;
            }
            continue;
        }
        if in_para == para_len {
            out.push_str("\n\n");
            in_para = 0;
            para_len = rng.range(2, 4);
        } else if in_para > 0 {
            out.push(' ');
        }
        out.push_str(&sentence);
        words += w;
        in_para += 1;
    }
    assert!(
        words >= min && words <= max,
        "prose: {words} words, not in {min}..={max}"
    );
    out
}

// ---------------------------------------------------------------------------
// Dates: unix seconds <-> civil, RFC 3339 output.

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes an instant as a TOML offset date-time in the given UTC offset (minutes).
fn fmt_instant(out: &mut String, secs: i64, offset_min: i32) {
    let local = secs + offset_min as i64 * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86400));
    let sod = local.rem_euclid(86400);
    write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
    .unwrap();
    if offset_min == 0 {
        out.push('Z');
    } else {
        let sign = if offset_min < 0 { '-' } else { '+' };
        let a = offset_min.abs();
        write!(out, "{sign}{:02}:{:02}", a / 60, a % 60).unwrap();
    }
}

// ---------------------------------------------------------------------------
// Topics

#[derive(Clone)]
struct Topic {
    id: String,
    name: String,
    kind: &'static str,
    blurb: String,
}

const KINDS: &[&str] = &[
    "place",
    "person",
    "organisation",
    "agreement",
    "event",
    "subject",
];

fn topic_name(kind: &str, rng: &mut Rng, attempt: usize) -> String {
    let fill_pat = |pat: &str, rng: &mut Rng| {
        let y = 2000 + rng.below(26);
        pat.replace("{P2}", rng.pick(PLACES))
            .replace("{P}", rng.pick(PLACES))
            .replace("{C}", rng.pick(CITIES))
            .replace("{L2}", rng.pick(LAST))
            .replace("{L}", rng.pick(LAST))
            .replace("{Y}", &y.to_string())
    };
    // Curated names first; generated ones when they run out or collide.
    let curated = attempt == 0 && rng.chance(500);
    let name = match kind {
        "place" => {
            if curated || rng.chance(600) {
                rng.pick(PLACES).to_string()
            } else {
                rng.pick(CITIES).to_string()
            }
        }
        "person" => format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        "organisation" => {
            if curated {
                rng.pick(ORGS).to_string()
            } else {
                fill_pat(rng.pick(ORG_PATTERNS), rng)
            }
        }
        "agreement" => {
            if curated {
                rng.pick(AGREEMENTS).to_string()
            } else {
                fill_pat(rng.pick(AGREEMENT_PATTERNS), rng)
            }
        }
        "event" => {
            if curated {
                rng.pick(EVENTS).to_string()
            } else {
                fill_pat(rng.pick(EVENT_PATTERNS), rng)
            }
        }
        _ => {
            if curated || attempt < 2 {
                rng.pick(SUBJECTS).to_string()
            } else {
                format!("{} in {}", capitalize(rng.pick(SUBJECTS)), rng.pick(PLACES))
            }
        }
    };
    let name = name.strip_prefix("the ").map(capitalize).unwrap_or(name);
    if attempt > 8 {
        format!("{name} {}", attempt)
    } else {
        name
    }
}

const BLURBS: &[(&str, &[&str])] = &[
    (
        "place",
        &[
            "{NAME} is a country whose foreign policy has long balanced larger neighbours against one another.",
            "Its economy relies heavily on exports, and its politics have been shaped by a long transition after independence.",
            "In recent years it has sought a higher profile in regional diplomacy.",
        ],
    ),
    (
        "person",
        &[
            "{NAME} is a politician and former diplomat who has held senior office since the late 2010s.",
            "Before entering politics, {NAME} worked as a lawyer and as an adviser to an international organisation.",
            "Supporters credit a pragmatic style; critics point to a record of centralising power.",
        ],
    ),
    (
        "organisation",
        &[
            "The {NAME} is an institution that sets rules and coordinates policy among its members.",
            "It was founded after a period of crisis and has expanded its remit several times since.",
            "Its decisions are often contested, but few governments ignore them.",
        ],
    ),
    (
        "agreement",
        &[
            "The {NAME} is an agreement between governments that set out commitments on trade, security and diplomatic relations.",
            "It was signed after lengthy negotiations and has since been joined or cited by other states.",
            "Its supporters see it as a framework for stability; its critics say it sidelines those most affected.",
        ],
    ),
    (
        "event",
        &[
            "The {NAME} is an event that drew international attention and reshaped the debate around it.",
            "Its consequences are still felt in politics, the economy and public life.",
        ],
    ),
    (
        "subject",
        &[
            "Our coverage of {NAME} follows the policies, people and data behind one of the defining issues of the decade.",
            "It brings together reporting from our world, politics, business and science desks.",
        ],
    ),
];

fn make_topics(seed: u64, n: usize) -> Vec<Topic> {
    let mut seen = HashSet::new();
    let mut topics = Vec::with_capacity(n);
    for i in 0..n {
        let mut rng = Rng::new(seed, STREAM_TOPIC, i as u64);
        let kind = KINDS[i % KINDS.len()];
        let mut attempt = 0;
        let (name, id) = loop {
            let name = topic_name(kind, &mut rng, attempt);
            let id = cut_slug(&slugify(&name), 80);
            if !id.is_empty() && seen.insert(id.clone()) {
                break (name, id);
            }
            attempt += 1;
        };
        let sentences = BLURBS.iter().find(|(k, _)| *k == kind).unwrap().1;
        let blurb = sentences.join(" ").replace("{NAME}", &name);
        topics.push(Topic {
            id,
            name,
            kind,
            blurb,
        });
    }
    topics
}

fn render_topic(t: &Topic) -> String {
    let mut s = String::with_capacity(600);
    s.push_str("#:schema ../schemas/topic.schema.json\n");
    writeln!(s, "id = {}", toml_str(&t.id)).unwrap();
    writeln!(s, "name = {}", toml_str(&t.name)).unwrap();
    writeln!(s, "kind = {}", toml_str(t.kind)).unwrap();
    writeln!(s, "blurb = \"\"\"\n{}\"\"\"", t.blurb).unwrap();
    s
}

/// A TOML basic string (the pools never contain control characters).
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn multiline(out: &mut String, key: &str, body: &str) {
    debug_assert!(!body.contains("\"\"\"") && !body.contains('\\'));
    writeln!(out, "{key} = \"\"\"\n{body}\"\"\"").unwrap();
}

// ---------------------------------------------------------------------------
// Stories

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Defect {
    // seen by JSON Schema tools
    StatusNotInEnum,
    MissingHeadline,
    SlugPattern,
    UnknownKey,
    WrongType,
    BadDateTime,
    // seen only by lede
    OverMaxWords,
    UnknownTopic,
    DuplicateFaqId,
    CreatedAfterUpdated,
    SlugNotFileStem,
}

const DEFECTS: &[Defect] = &[
    Defect::StatusNotInEnum,
    Defect::MissingHeadline,
    Defect::SlugPattern,
    Defect::UnknownKey,
    Defect::WrongType,
    Defect::BadDateTime,
    Defect::OverMaxWords,
    Defect::UnknownTopic,
    Defect::DuplicateFaqId,
    Defect::CreatedAfterUpdated,
    Defect::SlugNotFileStem,
];

impl Defect {
    fn kind(self) -> &'static str {
        match self {
            Defect::StatusNotInEnum => "status-not-in-enum",
            Defect::MissingHeadline => "missing-headline",
            Defect::SlugPattern => "slug-pattern",
            Defect::UnknownKey => "unknown-key",
            Defect::WrongType => "wrong-type",
            Defect::BadDateTime => "bad-date-time",
            Defect::OverMaxWords => "over-max-words",
            Defect::UnknownTopic => "unknown-topic",
            Defect::DuplicateFaqId => "duplicate-faq-id",
            Defect::CreatedAfterUpdated => "created-after-updated",
            Defect::SlugNotFileStem => "slug-not-file-stem",
        }
    }
    fn detector(self) -> &'static str {
        match self {
            Defect::StatusNotInEnum
            | Defect::MissingHeadline
            | Defect::SlugPattern
            | Defect::UnknownKey
            | Defect::WrongType
            | Defect::BadDateTime => "schema",
            _ => "lede",
        }
    }
}

/// The cheap part of a story, computed first so that slugs can be made unique.
struct Head {
    year: i32,
    desk: usize,
    subject: &'static str,
    topics: Vec<usize>,
    headline: String,
    slug: String,
    defect: Option<Defect>,
}

fn actor_kind(k: &str) -> bool {
    matches!(k, "place" | "person" | "organisation")
}

fn make_head(seed: u64, i: usize, topics: &[Topic], actors: &[usize], per_mille: usize) -> Head {
    let mut rng = Rng::new(seed, STREAM_STORY, i as u64);
    let year = 2000 + rng.below(26) as i32;
    let desk = rng.below(DESKS.len());
    let subject = rng.pick(DESK_SUBJECTS[desk]);
    // 2–5 distinct topics; the first one is someone or somewhere that acts.
    let want = rng.range(2, 5).min(topics.len());
    let mut ts: Vec<usize> = Vec::with_capacity(want);
    if !actors.is_empty() {
        ts.push(rng.pick(actors));
    }
    while ts.len() < want {
        let t = rng.below(topics.len());
        if !ts.contains(&t) {
            ts.push(t);
        }
    }
    let a = &topics[ts[0]].name;
    let b = &topics[ts[1 % ts.len()]].name;
    let headline = loop {
        let tpl = rng.pick(HEADLINES);
        let h = capitalize(
            &tpl.replace("{A}", a)
                .replace("{B}", b)
                .replace("{S}", subject),
        );
        if h.len() <= 120 && count_words(&h) <= 20 {
            break h;
        }
        // Fallback that always fits.
        let short: String = if a.len() <= 60 {
            a.clone()
        } else {
            a.chars().take(50).collect()
        };
        let h = capitalize(&format!("What the {subject} means for {short}"));
        if h.len() <= 120 {
            break h;
        }
    };
    let slug = cut_slug(&slugify(&headline), 72);
    let mut drng = Rng::new(seed, STREAM_DEFECT, i as u64);
    let defect = if per_mille > 0 && drng.below(1000) < per_mille {
        Some(drng.pick(DEFECTS))
    } else {
        None
    };
    Head {
        year,
        desk,
        subject,
        topics: ts,
        headline,
        slug,
        defect,
    }
}

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST), rng.pick(LAST))
}

fn author(rng: &mut Rng) -> String {
    let f = rng.pick(FIRST);
    let l = rng.pick(LAST);
    format!("{f} {l} <{}.{}@newsroom.example>", slugify(f), slugify(l))
}

/// Renders story `i` with its head's defect, if any. Returns the file's path
/// relative to the repository and its text. `topic_ids` lets the
/// unknown-topic defect pick an id that really has no record.
fn render_story(
    seed: u64,
    i: usize,
    head: &Head,
    topics: &[Topic],
    topic_ids: &HashSet<&str>,
) -> (String, String) {
    // A second stream for the body, so the head stays cheap to recompute.
    let mut rng = Rng::new(seed ^ 0x5eed, STREAM_STORY, i as u64);
    let defect = head.defect;
    let tname = |k: usize| topics[head.topics[k % head.topics.len()]].name.as_str();
    let subject_topic = head
        .topics
        .iter()
        .map(|&t| &topics[t])
        .find(|t| t.kind == "subject")
        .map(|t| t.name.to_lowercase())
        .unwrap_or_else(|| rng.pick(SUBJECTS).to_string());
    let outlet_idx = {
        let mut v: Vec<usize> = (0..OUTLETS.len()).collect();
        rng.shuffle(&mut v);
        v
    };
    let mut cx = Ctx {
        a: tname(0),
        b: tname(1),
        c: tname(2),
        t: &subject_topic,
        s: head.subject,
        year: head.year,
        per: person(&mut rng),
        per2: person(&mut rng),
        role: rng.pick(ROLES),
        city: rng.pick(CITIES),
        outlet: OUTLETS[outlet_idx[0]].0,
    };

    // Times: created within the year, updated minutes to weeks later.
    let start = days_from_civil(head.year as i64, 1, 1) * 86400;
    let created = start + rng.below(340 * 86400) as i64 / 60 * 60;
    let updated = created
        + [
            rng.range(5, 600) * 60,
            rng.range(1, 72) * 3600,
            rng.range(3, 21) * 86400,
        ][rng.below(3)] as i64;
    let offset = rng.pick(&[0, 0, 0, 0, 60, 120, -300, 330, 540]);
    let status_roll = rng.below(100);
    let status = match status_roll {
        0..=19 => "draft",
        20..=31 => "in_review",
        32..=41 => "approved",
        42..=96 => "published",
        _ => "retracted",
    };

    let path_slug = &head.slug;
    let mut out = String::with_capacity(10 * 1024);
    out.push_str("#:schema ../../schemas/story.schema.json\n");
    // slug
    let slug_value = match defect {
        Some(Defect::SlugPattern) => {
            // Upper case and underscores: fails the id pattern.
            head.headline
                .replace(' ', "_")
                .replace(['\'', ',', ':', '’'], "")
        }
        Some(Defect::SlugNotFileStem) => format!("{path_slug}-v2"),
        _ => path_slug.clone(),
    };
    writeln!(out, "slug = {}", toml_str(&slug_value)).unwrap();
    if defect != Some(Defect::MissingHeadline) {
        writeln!(out, "headline = {}", toml_str(&head.headline)).unwrap();
    }
    let status = if defect == Some(Defect::StatusNotInEnum) {
        rng.pick(&["killed", "Published", "archived", "spiked"])
    } else {
        status
    };
    writeln!(out, "status = {}", toml_str(status)).unwrap();
    // wrong-type: topics = "x" half the time, else authors as a string or desk as a number.
    let wrong_type_variant = [0, 0, 1, 2][rng.below(4)];
    if defect == Some(Defect::WrongType) && wrong_type_variant == 2 {
        writeln!(out, "desk = {}", head.desk + 1).unwrap();
    } else {
        writeln!(out, "desk = {}", toml_str(DESKS[head.desk])).unwrap();
    }
    let n_auth = rng.range(1, 3);
    let mut authors: Vec<String> = Vec::new();
    while authors.len() < n_auth {
        let a = author(&mut rng);
        if !authors.contains(&a) {
            authors.push(a);
        }
    }
    if defect == Some(Defect::WrongType) && wrong_type_variant == 1 {
        writeln!(out, "authors = {}", toml_str(&authors[0])).unwrap();
    } else {
        let list: Vec<String> = authors.iter().map(|a| toml_str(a)).collect();
        writeln!(out, "authors = [{}]", list.join(", ")).unwrap();
    }
    if defect == Some(Defect::WrongType) && wrong_type_variant == 0 {
        out.push_str("topics = \"x\"\n");
    } else {
        let mut ids: Vec<String> = head.topics.iter().map(|&t| topics[t].id.clone()).collect();
        if defect == Some(Defect::UnknownTopic) {
            let mut k = 0;
            let missing = loop {
                let cand = format!(
                    "{}-{}",
                    slugify(rng.pick(SUBJECTS)),
                    slugify(rng.pick(CITIES))
                );
                let cand = if k > 0 { format!("{cand}-{k}") } else { cand };
                if !topic_ids.contains(cand.as_str()) {
                    break cand;
                }
                k += 1;
            };
            let at = rng.below(ids.len() + 1);
            ids.insert(at, missing);
        }
        let list: Vec<String> = ids.iter().map(|s| toml_str(s)).collect();
        writeln!(out, "topics = [{}]", list.join(", ")).unwrap();
    }
    if defect == Some(Defect::BadDateTime) {
        let bad = rng.pick(&[
            "yesterday",
            "2024-13-45T25:00:00Z",
            "next Tuesday",
            "06/11/2025 17:00",
        ]);
        writeln!(out, "created = {}", toml_str(bad)).unwrap();
    } else {
        out.push_str("created = ");
        let c = if defect == Some(Defect::CreatedAfterUpdated) {
            updated
        } else {
            created
        };
        fmt_instant(&mut out, c, offset);
        out.push('\n');
    }
    out.push_str("updated = ");
    let u = if defect == Some(Defect::CreatedAfterUpdated) {
        created
    } else {
        updated
    };
    fmt_instant(&mut out, u, offset);
    out.push('\n');
    if matches!(status, "approved" | "published") && rng.chance(120) {
        out.push_str("embargo = ");
        fmt_instant(&mut out, updated + rng.range(1, 48) as i64 * 3600, offset);
        out.push('\n');
    }
    let published_at = created + (updated - created) / 2;
    if matches!(status, "published" | "retracted") {
        writeln!(out, "revision = {}", rng.range(1, 6)).unwrap();
        out.push_str("published = ");
        fmt_instant(&mut out, published_at, offset);
        out.push('\n');
    }
    if defect == Some(Defect::UnknownKey) {
        let (k, v) = rng.pick(&[
            ("priority", "\"high\""),
            ("byline", "\"By our foreign staff\""),
            ("tags", "[\"diplomacy\", \"trade\"]"),
            ("summary", "\"A short summary that belongs in a section.\""),
        ]);
        writeln!(out, "{k} = {v}").unwrap();
    }

    // Which limit the over-max-words defect breaks.
    let over = if defect == Some(Defect::OverMaxWords) {
        rng.range(0, 2)
    } else {
        usize::MAX
    };

    // What's happened: 20–150 words.
    out.push_str("\n[sections.whats-happened]\ntitle = \"What's happened\"\n");
    let body = if over == 0 {
        prose(LEDE, &cx, &mut rng, 160, 230, (200, 200))
    } else {
        prose(LEDE, &cx, &mut rng, 20, 150, (90, 140))
    };
    multiline(&mut out, "body", &body);

    // Behind the headline: 40–400 words, sometimes with a short list.
    out.push_str("\n[sections.behind-the-headline]\ntitle = \"What's behind the headline?\"\n");
    let mut body = prose(ANALYSIS, &cx, &mut rng, 40, 330, (210, 300));
    if rng.chance(300) {
        let mut list = String::from("\n\nThree things to watch:\n\n");
        for _ in 0..3 {
            writeln!(
                list,
                "- **{}**: {}",
                capitalize(rng.pick(SUBJECTS)),
                filled(rng.pick(ANSWERS), &cx, &mut rng)
            )
            .unwrap();
        }
        if count_words(&body) + count_words(&list) <= 400 {
            body.push_str(list.trim_end());
        }
    }
    multiline(&mut out, "body", &body);

    // What the papers say: one take per source, then a closing line; ≤400 words.
    out.push_str("\n[sections.what-the-papers-say]\ntitle = \"What the papers say\"\n");
    let n_src = rng.range(3, 6);
    let mut takes = String::new();
    let mut order: Vec<usize> = (0..PAPER_TAKES.len()).collect();
    rng.shuffle(&mut order);
    for k in 0..n_src {
        cx.outlet = OUTLETS[outlet_idx[k]].0;
        let mut take = filled(PAPER_TAKES[order[k % order.len()]], &cx, &mut rng);
        if rng.chance(600) {
            take.push(' ');
            take.push_str(&filled(rng.pick(ANALYSIS), &cx, &mut rng));
        }
        if rng.chance(150) {
            // A Markdown link to the piece.
            take = take.replacen(
                cx.outlet,
                &format!("[{}](https://www.{}/)", cx.outlet, OUTLETS[outlet_idx[k]].1),
                1,
            );
        }
        if count_words(&takes) + count_words(&take) > 360 {
            break;
        }
        if !takes.is_empty() {
            takes.push_str(if rng.chance(400) { "\n\n" } else { " " });
        }
        takes.push_str(&take);
    }
    takes.push_str("\n\n");
    takes.push_str(&filled(rng.pick(PAPER_CLOSE), &cx, &mut rng));
    multiline(&mut out, "body", &takes);
    for k in 0..n_src {
        let (name, domain) = OUTLETS[outlet_idx[k]];
        cx.outlet = name;
        out.push_str("\n[[sections.what-the-papers-say.sources]]\n");
        writeln!(out, "outlet = {}", toml_str(name)).unwrap();
        if rng.chance(850) {
            let day = (updated - rng.range(0, 3) as i64 * 86400).div_euclid(86400);
            let (y, m, d) = civil_from_days(day);
            let tail = cut_slug(&slugify(&format!("{} {}", cx.a, head.subject)), 60);
            writeln!(
                out,
                "url = \"https://www.{domain}/{y:04}/{m:02}/{d:02}/{tail}\""
            )
            .unwrap();
        }
        let mut gist = filled(rng.pick(GISTS), &cx, &mut rng);
        if over == 2 && k == 0 {
            while count_words(&gist) <= 70 {
                gist.push(' ');
                gist.push_str(&filled(rng.pick(GISTS), &cx, &mut rng));
            }
        } else if rng.chance(500) {
            let more = filled(rng.pick(GISTS), &cx, &mut rng);
            if more != gist && count_words(&gist) + count_words(&more) <= 60 {
                gist.push(' ');
                gist.push_str(&more);
            }
        }
        writeln!(out, "gist = {}", toml_str(&gist)).unwrap();
    }

    // How we got here: 20–300 words.
    out.push_str("\n[sections.how-we-got-here]\ntitle = \"How we got here\"\n");
    let body = if over == 1 {
        prose(HISTORY, &cx, &mut rng, 310, 420, (360, 360))
    } else {
        prose(HISTORY, &cx, &mut rng, 20, 300, (150, 260))
    };
    multiline(&mut out, "body", &body);

    if rng.chance(100) {
        let (id, title) = rng.pick(EXTRA_SECTIONS);
        writeln!(out, "\n[sections.{id}]\ntitle = {}", toml_str(title)).unwrap();
        let body = prose(ANSWERS, &cx, &mut rng, 10, 600, (40, 120));
        multiline(&mut out, "body", &body);
    }

    // FAQ: 3–5 entries with unique ids.
    let n_faq = rng.range(3, 5);
    let mut fo: Vec<usize> = (0..FAQ.len()).collect();
    rng.shuffle(&mut fo);
    for k in 0..n_faq {
        let (mut id, q) = FAQ[fo[k]];
        if defect == Some(Defect::DuplicateFaqId) && k == n_faq - 1 {
            id = FAQ[fo[0]].0;
        }
        out.push_str("\n[[faq]]\n");
        writeln!(out, "id = {}", toml_str(id)).unwrap();
        writeln!(out, "question = {}", toml_str(&filled(q, &cx, &mut rng))).unwrap();
        let answer = prose(ANSWERS, &cx, &mut rng, 10, 200, (40, 110));
        multiline(&mut out, "answer", &answer);
    }

    if matches!(status, "published" | "retracted") && rng.chance(80) {
        for k in 0..rng.range(1, 2) {
            out.push_str("\n[[corrections]]\nat = ");
            fmt_instant(
                &mut out,
                published_at + (k as i64 + 1) * 3600 * rng.range(1, 30) as i64,
                offset,
            );
            out.push('\n');
            writeln!(
                out,
                "note = {}",
                toml_str(&filled(rng.pick(CORRECTIONS), &cx, &mut rng))
            )
            .unwrap();
        }
    }

    let rel = format!("stories/{}/{}.toml", head.year, path_slug);
    (rel, out)
}

// ---------------------------------------------------------------------------

struct Args {
    out: PathBuf,
    stories: usize,
    topics: usize,
    per_mille: usize,
    seed: u64,
    force: bool,
}

const USAGE: &str = "usage: gen-corpus --out DIR --stories N [--topics T (500)] [--invalid-per-mille K (0)] [--seed S (1)] [--force]";

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut stories = None;
    let mut topics = 500;
    let mut per_mille = 0;
    let mut seed = 1;
    let mut force = false;
    let mut it = std::env::args().skip(1);
    fn num<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.parse().map_err(|_| format!("{flag}: not a number: {v}"))
    }
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut val = || inline.clone().or_else(|| it.next());
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(val().ok_or("--out needs a value")?)),
            "--stories" => stories = Some(num("--stories", val())?),
            "--topics" => topics = num("--topics", val())?,
            "--invalid-per-mille" => per_mille = num("--invalid-per-mille", val())?,
            "--seed" => seed = num("--seed", val())?,
            "--force" => force = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let out = out.ok_or("--out is required")?;
    let stories = stories.ok_or("--stories is required")?;
    if topics < 2 {
        return Err("--topics must be at least 2".into());
    }
    if per_mille > 1000 {
        return Err("--invalid-per-mille must be at most 1000".into());
    }
    Ok(Args {
        out,
        stories,
        topics,
        per_mille,
        seed,
        force,
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: Args) -> Result<(), String> {
    let t0 = Instant::now();
    let root = &args.out;
    for sub in ["stories", "topics"] {
        let p = root.join(sub);
        if p.exists() {
            if !args.force {
                return Err(format!(
                    "{} exists; pass --force to replace it",
                    p.display()
                ));
            }
            std::fs::remove_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    std::fs::create_dir_all(root.join("schemas"))
        .map_err(|e| format!("{}: {e}", root.display()))?;
    std::fs::create_dir_all(root.join("topics")).map_err(|e| e.to_string())?;
    write(&root.join("lede.toml"), LEDE_TOML)?;
    write(&root.join("schemas/story.schema.json"), STORY_SCHEMA)?;
    write(&root.join("schemas/topic.schema.json"), TOPIC_SCHEMA)?;

    let topics = make_topics(args.seed, args.topics);
    topics.par_iter().try_for_each(|t| {
        write(
            &root.join("topics").join(format!("{}.toml", t.id)),
            &render_topic(t),
        )
    })?;
    let topic_ids: HashSet<&str> = topics.iter().map(|t| t.id.as_str()).collect();
    let actors: Vec<usize> = (0..topics.len())
        .filter(|&k| actor_kind(topics[k].kind))
        .collect();

    let mut heads: Vec<Head> = (0..args.stories)
        .into_par_iter()
        .map(|i| make_head(args.seed, i, &topics, &actors, args.per_mille))
        .collect();
    // Unique slugs, in index order so the result is deterministic. The
    // "-v2" stems of slug-not-file-stem defects are reserved too.
    let mut seen: HashSet<String> = HashSet::with_capacity(heads.len() * 2);
    for h in heads.iter_mut() {
        if seen.contains(&h.slug) {
            let mut k = 2;
            while seen.contains(&format!("{}-{k}", h.slug)) {
                k += 1;
            }
            h.slug = format!("{}-{k}", h.slug);
        }
        seen.insert(h.slug.clone());
    }
    for h in heads.iter_mut() {
        if h.defect == Some(Defect::SlugNotFileStem) && seen.contains(&format!("{}-v2", h.slug)) {
            h.defect = Some(Defect::OverMaxWords);
        }
    }
    let mut years: Vec<i32> = heads.iter().map(|h| h.year).collect();
    years.sort_unstable();
    years.dedup();
    for y in &years {
        std::fs::create_dir_all(root.join(format!("stories/{y}"))).map_err(|e| e.to_string())?;
    }

    let bytes: usize = heads
        .par_iter()
        .enumerate()
        .map(|(i, h)| {
            let (rel, text) = render_story(args.seed, i, h, &topics, &topic_ids);
            write(&root.join(&rel), &text).map(|()| text.len())
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;

    let mut manifest = String::new();
    let mut invalid: Vec<(String, Defect)> = heads
        .iter()
        .filter_map(|h| {
            h.defect
                .map(|d| (format!("stories/{}/{}.toml", h.year, h.slug), d))
        })
        .collect();
    invalid.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, d) in &invalid {
        writeln!(manifest, "{p} {} {}", d.kind(), d.detector()).unwrap();
    }
    write(&root.join("invalid.txt"), &manifest)?;

    eprintln!(
        "gen-corpus: {} stories ({} invalid, {:.1} MiB, avg {:.1} KiB) and {} topics in {} in {:.2}s",
        heads.len(),
        invalid.len(),
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / heads.len().max(1) as f64,
        topics.len(),
        root.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
