//! The bundled sample campus: a made-up university (the University of Port Atoll) with
//! seven faculties, about 300 courses, labs that last 2–3 periods in rooms with the right
//! equipment, sections, electives shared by several faculties' tracks, 40 rooms, 6 days × 8
//! periods, ~130 teachers with days off, preferences and daily maxima, and a few pins.
//!
//! `cargo run --release --example gen_campus > www/samples/campus.json`
//!
//! `cargo run --release --example gen_campus -- --courses N > big.json` makes a bigger
//! university of the same shape for scaling measurements: as many campuses as it takes to
//! reach N courses (about 280 each: 4 for 1,000, 11 for 3,000, 22 for 6,000), each with its
//! own faculties, rooms, labs and electives, and one language centre whose teachers teach the
//! university-wide electives on every campus (shared teachers). Pins stay on the first
//! campus. With one campus (no `--courses`) the output is the bundled sample, unchanged.
//!
//! Deterministic (a fixed seed). It checks, and panics if not, that the campus is feasible
//! in principle with room to spare (see `check_feasible`): per room kind, the lecture-periods
//! that need it against the open room-periods that suit them; per group and per teacher, the
//! weekly load against the periods they are free; and the pins are on distinct periods in
//! open rooms with free teachers. Those are necessary conditions, not a proof; the solver
//! reaching zero hard violations is the real check (`docs/CAMPUS.md`).

use std::collections::{BTreeMap, HashSet};

use atoll::io::campus::doc::{
    CampusDoc, CourseDoc, Grid, GroupDoc, PeriodDoc, PinDoc, RoomDoc, TeacherDoc,
};
use atoll::io::campus::{from_json, write_doc};
use atoll::model::Weights;
use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

const DAYS: [&str; 6] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const STARTS: [&str; 8] = [
    "08:00", "09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00",
];
const PERIODS: usize = DAYS.len() * STARTS.len();

/// A faculty: its name, its lab (room features), its subjects and its batch sizes.
struct Faculty {
    name: &'static str,
    short: &'static str,
    lab: Option<&'static [&'static str]>,
    subjects: &'static [&'static str],
    lab_subjects: &'static [&'static str],
    electives: &'static [&'static str],
    students: [u32; 3],
}

const FACULTIES: &[Faculty] = &[
    Faculty {
        name: "Computer Science",
        short: "CS",
        lab: Some(&["computers"]),
        subjects: &[
            "Programming",
            "Discrete Mathematics",
            "Algorithms",
            "Data Structures",
            "Computer Architecture",
            "Operating Systems",
            "Databases",
            "Networks",
            "Software Engineering",
            "Theory of Computation",
            "Compilers",
            "Distributed Systems",
            "Security",
            "Human-Computer Interaction",
            "Formal Methods",
            "Computer Graphics",
            "Logic",
            "Linear Algebra",
            "Probability",
            "Functional Programming",
            "Cloud Systems",
        ],
        lab_subjects: &["Programming Lab", "Systems Lab", "Project Lab"],
        electives: &[
            "Machine Learning",
            "Data Science",
            "Robotics",
            "Game Design",
            "Cryptography",
            "Quantum Computing",
        ],
        students: [160, 130, 100],
    },
    Faculty {
        name: "Chemistry",
        short: "CH",
        lab: Some(&["chemistry", "fume hood"]),
        subjects: &[
            "General Chemistry",
            "Organic Chemistry",
            "Inorganic Chemistry",
            "Physical Chemistry",
            "Analytical Chemistry",
            "Biochemistry",
            "Thermodynamics",
            "Spectroscopy",
            "Polymer Chemistry",
            "Electrochemistry",
            "Quantum Chemistry",
            "Catalysis",
            "Chemical Kinetics",
            "Environmental Chemistry",
            "Materials Chemistry",
            "Medicinal Chemistry",
            "Calculus for Chemists",
            "Lab Safety",
            "Crystallography",
            "Green Chemistry",
            "Chemical Engineering Basics",
        ],
        lab_subjects: &["Chemistry Lab", "Synthesis Lab", "Analysis Lab"],
        electives: &[
            "Forensic Chemistry",
            "Food Chemistry",
            "Nanomaterials",
            "Toxicology",
        ],
        students: [90, 75, 60],
    },
    Faculty {
        name: "Physics",
        short: "PH",
        lab: Some(&["physics"]),
        subjects: &[
            "Mechanics",
            "Electromagnetism",
            "Optics",
            "Quantum Mechanics",
            "Statistical Physics",
            "Relativity",
            "Solid State Physics",
            "Nuclear Physics",
            "Astrophysics",
            "Mathematical Methods",
            "Waves",
            "Fluid Dynamics",
            "Particle Physics",
            "Computational Physics",
            "Plasma Physics",
            "Analysis for Physicists",
            "Classical Field Theory",
            "Acoustics",
            "Thermal Physics",
            "Cosmology",
            "Lasers",
        ],
        lab_subjects: &["Physics Lab", "Electronics Lab", "Optics Lab"],
        electives: &[
            "Biophysics",
            "Geophysics",
            "Medical Physics",
            "Climate Physics",
        ],
        students: [80, 60, 45],
    },
    Faculty {
        name: "Biology",
        short: "BI",
        lab: Some(&["biology", "microscopes"]),
        subjects: &[
            "Cell Biology",
            "Genetics",
            "Ecology",
            "Evolution",
            "Microbiology",
            "Botany",
            "Zoology",
            "Physiology",
            "Molecular Biology",
            "Immunology",
            "Neuroscience",
            "Developmental Biology",
            "Marine Biology",
            "Biostatistics",
            "Bioinformatics",
            "Anatomy",
            "Virology",
            "Entomology",
            "Mycology",
            "Conservation",
            "Chemistry for Biologists",
        ],
        lab_subjects: &["Biology Lab", "Microscopy Lab", "Field Methods Lab"],
        electives: &[
            "Reef Ecology",
            "Genomics",
            "Animal Behaviour",
            "Plant Pathology",
        ],
        students: [120, 100, 80],
    },
    Faculty {
        name: "Mathematics",
        short: "MA",
        lab: Some(&["computers"]),
        subjects: &[
            "Analysis",
            "Algebra",
            "Geometry",
            "Topology",
            "Number Theory",
            "Differential Equations",
            "Complex Analysis",
            "Measure Theory",
            "Numerical Methods",
            "Statistics",
            "Combinatorics",
            "Optimisation",
            "Functional Analysis",
            "Mathematical Logic",
            "Stochastic Processes",
            "Game Theory",
            "Set Theory",
            "Graph Theory",
            "Dynamical Systems",
            "Category Theory",
            "History of Mathematics",
        ],
        lab_subjects: &["Computing Lab", "Numerics Lab", "Statistics Lab"],
        electives: &[
            "Financial Mathematics",
            "Operations Research",
            "Mathematical Biology",
            "Coding Theory",
        ],
        students: [70, 55, 40],
    },
    Faculty {
        name: "Economics",
        short: "EC",
        lab: None,
        subjects: &[
            "Microeconomics",
            "Macroeconomics",
            "Econometrics",
            "Accounting",
            "Finance",
            "Public Economics",
            "Labour Economics",
            "International Trade",
            "Development Economics",
            "Behavioural Economics",
            "Economic History",
            "Monetary Economics",
            "Industrial Organisation",
            "Business Law",
            "Marketing",
            "Management",
            "Mathematics for Economists",
            "Statistics for Economists",
            "Corporate Finance",
            "Environmental Economics",
            "Banking",
        ],
        lab_subjects: &[],
        electives: &[
            "Entrepreneurship",
            "Tourism Economics",
            "Fintech",
            "Economics of Islands",
        ],
        students: [180, 150, 120],
    },
    Faculty {
        name: "Humanities",
        short: "HU",
        lab: None,
        subjects: &[
            "World History",
            "Philosophy",
            "Literature",
            "Linguistics",
            "Art History",
            "Classics",
            "Ethics",
            "Anthropology",
            "Sociology",
            "Political Theory",
            "Archaeology",
            "Religious Studies",
            "Film Studies",
            "Creative Writing",
            "Rhetoric",
            "Musicology",
            "Cultural Studies",
            "Island Histories",
            "Translation",
            "Media Studies",
            "Academic Writing",
        ],
        lab_subjects: &[],
        electives: &[
            "Maritime History",
            "Poetry Workshop",
            "Theatre",
            "Digital Humanities",
        ],
        students: [110, 90, 70],
    },
];

/// University-wide electives, open to every faculty's year-2 and year-3 tracks.
const GENERAL_ELECTIVES: &[&str] = &[
    "Spanish",
    "Mandarin",
    "French",
    "Public Speaking",
    "Sustainability",
    "Sailing Theory",
];

const FIRST: &[&str] = &[
    "Amara", "Bao", "Chiara", "Dmitri", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kala",
    "Luis", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rafael", "Sina", "Tomas", "Uma", "Viktor",
    "Wen", "Ximena", "Yusuf", "Zofia",
];
const LAST: &[&str] = &[
    "Okafor",
    "Nguyen",
    "Rossi",
    "Ivanova",
    "Yilmaz",
    "Adeyemi",
    "Lindqvist",
    "Tanaka",
    "Moreau",
    "Keller",
    "Kahananui",
    "Herrera",
    "Chen",
    "Haddad",
    "Farouk",
    "Raman",
    "Walsh",
    "Silva",
    "Tuilagi",
    "Novak",
    "Mensah",
    "Petrov",
    "Zhang",
    "Castillo",
    "Aziz",
    "Kowalska",
];

fn p(day: usize, slot: usize) -> String {
    format!("{} {}", DAYS[day], STARTS[slot])
}

struct Builder {
    rng: SmallRng,
    doc: CampusDoc,
    /// Per teacher: periods (d * 8 + s) they are away.
    away: Vec<HashSet<usize>>,
    load: Vec<u32>,
}

impl Builder {
    /// A new teacher of `faculty`, with a day off, preferences or a daily maximum for some.
    fn teacher(&mut self, faculty: &str) -> String {
        let rng = &mut self.rng;
        let mut name = format!(
            "{} {} ({faculty})",
            FIRST.choose(rng).unwrap(),
            LAST.choose(rng).unwrap()
        );
        while self.doc.teachers.iter().any(|t| t.name == name) {
            name = format!(
                "{} {} ({faculty})",
                FIRST.choose(rng).unwrap(),
                LAST.choose(rng).unwrap()
            );
        }
        let mut t = TeacherDoc {
            name: name.clone(),
            ..Default::default()
        };
        let mut away = HashSet::new();
        match rng.random_range(0..10) {
            // A research day.
            0..=2 => {
                let d = rng.random_range(0..5);
                t.unavailable.push(DAYS[d].to_string());
                away.extend((0..8).map(|s| d * 8 + s));
            }
            // Some afternoons off.
            3 => {
                for d in [1, 3] {
                    for s in 5..8 {
                        t.unavailable.push(p(d, s));
                        away.insert(d * 8 + s);
                    }
                }
            }
            _ => {}
        }
        // Saturday is for the few who want it: most teachers are away then.
        if rng.random_bool(0.6) {
            t.unavailable.push("Sat".to_string());
            away.extend((0..8).map(|s| 5 * 8 + s));
        }
        if rng.random_bool(0.25) {
            // Prefers mornings.
            for d in 0..5 {
                for s in 0..5 {
                    t.preferred.push(p(d, s));
                }
            }
        }
        if rng.random_bool(0.3) {
            t.max_daily = Some(rng.random_range(3..=4));
        }
        self.doc.teachers.push(t);
        self.away.push(away);
        self.load.push(0);
        name
    }

    /// A teacher of `faculty` with at most `max_load` periods a week after taking `periods`
    /// more (a new one when everyone is busy).
    fn assign(&mut self, faculty: &str, periods: u32, pool: &mut Vec<usize>) -> String {
        let suffix = format!("({faculty})");
        let free: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|&t| {
                self.load[t] + periods <= 9 && self.doc.teachers[t].name.ends_with(&suffix)
            })
            .collect();
        let t = if free.is_empty() || self.rng.random_bool(0.2) && pool.len() < 200 {
            self.teacher(faculty);
            let t = self.doc.teachers.len() - 1;
            pool.push(t);
            t
        } else {
            *free.choose(&mut self.rng).unwrap()
        };
        self.load[t] += periods;
        self.doc.teachers[t].name.clone()
    }
}

fn course(name: String, teachers: Vec<String>, lectures: u64, students: u64) -> CourseDoc {
    CourseDoc {
        name,
        teachers,
        lectures,
        duration: 1,
        students,
        min_days: lectures.min(3),
        room_type: None,
        features: vec![],
        rooms: None,
        unavailable: vec![],
    }
}

/// A campus's rooms; `prefix` names the campus ("" for the single-campus sample).
fn rooms(prefix: &str) -> Vec<RoomDoc> {
    let mut v = Vec::new();
    let room = |name: String, capacity: u64, kind: &str, features: &[&str]| RoomDoc {
        name: format!("{prefix}{name}"),
        capacity,
        kind: Some(kind.to_string()),
        features: features.iter().map(|s| s.to_string()).collect(),
        unavailable: vec![],
    };
    for (i, cap) in [250, 220, 200, 180, 160, 150, 140, 120]
        .into_iter()
        .enumerate()
    {
        v.push(room(
            format!("Lagoon Hall {}", i + 1),
            cap,
            "hall",
            &["projector"],
        ));
    }
    for i in 0..20u64 {
        let cap = 30 + (i * 7) % 35;
        let feats: &[&str] = if i % 3 == 0 { &[] } else { &["projector"] };
        v.push(room(format!("Seminar {}", 101 + i), cap, "seminar", feats));
    }
    for i in 0..5 {
        v.push(room(
            format!("Computer Lab C{}", i + 1),
            40,
            "lab",
            &["computers", "projector"],
        ));
    }
    for i in 0..3 {
        v.push(room(
            format!("Chemistry Lab K{}", i + 1),
            30,
            "lab",
            &["chemistry", "fume hood"],
        ));
    }
    for i in 0..2 {
        v.push(room(
            format!("Physics Lab P{}", i + 1),
            30,
            "lab",
            &["physics"],
        ));
    }
    for i in 0..2 {
        v.push(room(
            format!("Biology Lab B{}", i + 1),
            32,
            "lab",
            &["biology", "microscopes"],
        ));
    }
    // Closures: the big hall hosts events on Saturday; one seminar room is refurbished on
    // Wednesdays; a chemistry lab is cleaned on Friday afternoons.
    v[0].unavailable = vec!["Sat".into()];
    v[10].unavailable = vec!["Wed".into()];
    v[34].unavailable = (5..8).map(|s| p(4, s)).collect();
    v
}

/// Courses per campus of the sample (282), to turn `--courses N` into a campus count.
const COURSES_PER_CAMPUS: usize = 282;

/// The campus names of a multi-campus university, in order.
const CAMPUSES: &[&str] = &[
    "North", "South", "East", "West", "Harbour", "Reef", "Cove", "Bay", "Cape", "Dune", "Palm",
    "Coral", "Tide", "Shoal", "Isle", "Keys", "Point", "Sound", "Ridge", "Mangrove", "Strand",
    "Delta", "Pier", "Beacon", "Atoll",
];

fn build(campuses: usize) -> CampusDoc {
    let mut b = Builder {
        rng: SmallRng::seed_from_u64(2007),
        doc: CampusDoc {
            schema: Some("../../schema/campus.schema.json".into()),
            name: if campuses == 1 {
                "University of Port Atoll".into()
            } else {
                format!("University of Port Atoll ({campuses} campuses)")
            },
            days: Grid::Named(DAYS.iter().map(|d| d.to_string()).collect()),
            periods: Grid::Named(
                STARTS
                    .iter()
                    .map(|s| {
                        let (h, m) = s.split_once(':').unwrap();
                        PeriodDoc {
                            name: None,
                            start: s.to_string(),
                            end: format!("{h}:{}", m.parse::<u32>().unwrap() + 50),
                        }
                    })
                    .collect(),
            ),
            rooms: if campuses == 1 {
                rooms("")
            } else {
                (0..campuses)
                    .flat_map(|u| rooms(&format!("{} ", CAMPUSES[u])))
                    .collect()
            },
            weights: Some(Weights::default()),
            ..Default::default()
        },
        away: vec![],
        load: vec![],
    };
    // The language centre's teachers serve every campus.
    let mut lc_pool = Vec::new();
    for u in 0..campuses {
        campus(&mut b, campuses, u, &mut lc_pool);
    }
    pins(&mut b, if campuses == 1 { "" } else { CAMPUSES[0] });
    b.doc
}

/// One campus: its faculties' courses, groups and teachers, and its university-wide electives.
fn campus(b: &mut Builder, campuses: usize, u: usize, lc_pool: &mut Vec<usize>) {
    // Names: "North Computer Science year 1", "Programming 1 (North)", teachers "(CS2)".
    let (prefix, suffix) = if campuses == 1 {
        (String::new(), String::new())
    } else {
        (format!("{} ", CAMPUSES[u]), format!(" ({})", CAMPUSES[u]))
    };
    let mut pool = Vec::new();
    for f in FACULTIES {
        let short = if campuses == 1 {
            f.short.to_string()
        } else {
            format!("{}{}", f.short, u + 1)
        };
        let short = short.as_str();
        let mut subjects = f.subjects.iter();
        let mut electives = f.electives.iter();
        // Years 1–3 take the faculty's subjects in order; the master's year (4) takes
        // advanced versions of the first-year subjects.
        let mut advanced = f.subjects.iter().map(|s| format!("Advanced {s}{suffix}"));
        for year in 1..=4usize {
            let students = if year == 4 {
                (f.students[2] * 3 / 5) as u64
            } else {
                f.students[year - 1] as u64
            };
            let mut next_subject = || -> String {
                if year == 4 {
                    advanced.next().unwrap()
                } else {
                    format!("{} {year}{suffix}", subjects.next().unwrap())
                }
            };
            let batch = format!("{prefix}{} year {year}", f.name);
            // Six lecture courses a year (and one more below); the big first years meet in halls.
            let mut core = Vec::new();
            for k in 0..6 {
                let name = next_subject();
                let lectures = [3, 3, 2, 4, 2, 3][k];
                let t = b.assign(short, lectures as u32, &mut pool);
                let mut c = course(name.clone(), vec![t], lectures, students);
                if students > 100 {
                    c.room_type = Some("hall".into());
                } else if k == 0 {
                    c.features = vec!["projector".into()];
                }
                b.doc.courses.push(c);
                core.push(name);
            }
            b.doc.groups.push(GroupDoc {
                name: batch.clone(),
                kind: Some("batch".into()),
                courses: core.clone(),
                max_daily: Some(5),
            });
            // Labs: the batch splits into sections that fit a lab room; each section has
            // its own lab course (so sections' labs may run side by side).
            if let Some(feats) = f.lab {
                let sections = students.div_ceil(36).min(4) as usize;
                let lab = f.lab_subjects[(year - 1).min(2)];
                let duration = if year == 1 { 2 } else { 3 };
                let t = b.assign(short, (duration * sections) as u32, &mut pool);
                let assistant = b.assign(short, (duration * sections) as u32, &mut pool);
                for s in 0..sections {
                    let sec = (b'A' + s as u8) as char;
                    let name = format!("{lab} {year}{sec}{suffix}");
                    let mut c =
                        course(name.clone(), vec![t.clone()], 1, students / sections as u64);
                    if year == 1 {
                        c.teachers.push(assistant.clone());
                    }
                    c.duration = duration as u64;
                    c.min_days = 1;
                    c.room_type = Some("lab".into());
                    c.features = feats.iter().map(|s| s.to_string()).collect();
                    b.doc.courses.push(c);
                    let mut members = core.clone();
                    members.push(name);
                    b.doc.groups.push(GroupDoc {
                        name: format!("{batch} section {sec}"),
                        kind: Some("section".into()),
                        courses: members,
                        max_daily: None,
                    });
                }
            }
            // Years 2 and 3 choose a track: two electives of their own faculty, one
            // university-wide; electives are shared by several tracks.
            if year >= 2 {
                let mut own = Vec::new();
                for _ in 0..2 {
                    if let Some(e) = electives.next() {
                        let t = b.assign(short, 2, &mut pool);
                        b.doc.courses.push(CourseDoc {
                            room_type: Some("seminar".into()),
                            ..course(format!("{e}{suffix}"), vec![t], 2, 35)
                        });
                        own.push(format!("{e}{suffix}"));
                    }
                }
                for (k, e) in own.iter().enumerate() {
                    let g = GENERAL_ELECTIVES[(b.doc.groups.len() + k) % GENERAL_ELECTIVES.len()];
                    let mut members = core.clone();
                    members.push(e.clone());
                    members.push(format!("{g}{suffix}"));
                    b.doc.groups.push(GroupDoc {
                        name: format!("{batch} track {}", k + 1),
                        kind: Some("curriculum".into()),
                        courses: members,
                        max_daily: None,
                    });
                }
            }
            // One more core course per batch from the faculty's list.
            let name = next_subject();
            let t = b.assign(short, 2, &mut pool);
            b.doc
                .courses
                .push(course(name.clone(), vec![t], 2, students));
            for g in b
                .doc
                .groups
                .iter_mut()
                .filter(|g| g.name.starts_with(&batch))
            {
                g.courses.push(name.clone());
            }
        }
    }
    // The university-wide electives, taught by the language centre.
    for g in GENERAL_ELECTIVES {
        let t = b.assign("LC", 2, lc_pool);
        b.doc.courses.push(CourseDoc {
            room_type: Some("seminar".into()),
            ..course(format!("{g}{suffix}"), vec![t], 2, 40)
        });
    }
}

/// The first campus's pinned courses: a team-taught colloquium and two booked labs.
/// `first` names the first campus ("" for the single-campus sample).
fn pins(b: &mut Builder, first: &str) {
    let (prefix, suffix) = if first.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("{first} "), format!(" ({first})"))
    };
    // A first-year lecture series taught by a team, and a weekly colloquium, pinned.
    let team: Vec<String> = (0..3)
        .map(|k| b.doc.teachers[k * 20].name.clone())
        .collect();
    b.doc.courses.push(CourseDoc {
        min_days: 1,
        ..course("Island Sciences Colloquium".into(), team, 1, 200)
    });
    for k in 0..3 {
        b.load[k * 20] += 1;
    }
    b.doc.pins.push(PinDoc {
        course: "Island Sciences Colloquium".into(),
        period: Some(p(4, 5)),
        room: Some(format!("{prefix}Lagoon Hall 2")),
    });
    let firsts: Vec<String> = b
        .doc
        .groups
        .iter()
        .filter(|g| {
            g.name.starts_with(&prefix)
                && g.name.contains("year 1")
                && g.kind.as_deref() == Some("batch")
        })
        .map(|g| g.name.clone())
        .collect();
    for g in b.doc.groups.iter_mut().filter(|g| {
        firsts.contains(&g.name)
            || (g.name.starts_with(&prefix) && g.name.contains("year 1 section"))
    }) {
        g.courses.push("Island Sciences Colloquium".into());
    }
    // Two labs pinned by the office (the equipment is booked), and an exam-prep lecture
    // pinned to a room only.
    b.doc.pins.push(PinDoc {
        course: format!("Chemistry Lab 1A{suffix}"),
        period: Some(p(0, 0)),
        room: Some(format!("{prefix}Chemistry Lab K1")),
    });
    b.doc.pins.push(PinDoc {
        course: format!("Physics Lab 1A{suffix}"),
        period: Some(p(2, 5)),
        room: None,
    });
    b.doc.pins.push(PinDoc {
        course: format!("Programming 1{suffix}"),
        period: None,
        room: Some(format!("{prefix}Lagoon Hall 1")),
    });
    // A pin's teachers must be free at every period it occupies, and no two pins share a
    // period: a pin whose wished-for period does not work moves to the next one that does.
    let mut taken = HashSet::new();
    for k in 0..b.doc.pins.len() {
        let Some(at) = b.doc.pins[k].period.clone() else {
            continue;
        };
        let c = b
            .doc
            .courses
            .iter()
            .find(|c| c.name == b.doc.pins[k].course)
            .unwrap();
        let dur = c.duration as usize;
        let tix: Vec<usize> = c
            .teachers
            .iter()
            .map(|t| b.doc.teachers.iter().position(|x| &x.name == t).unwrap())
            .collect();
        let (d, s) = at.split_once(' ').unwrap();
        let first = DAYS.iter().position(|x| *x == d).unwrap() * 8
            + STARTS.iter().position(|x| *x == s).unwrap();
        let ok = |q: usize| {
            q % 8 + dur <= 8
                && (q..q + dur)
                    .all(|x| !taken.contains(&x) && tix.iter().all(|&t| !b.away[t].contains(&x)))
        };
        let q = (0..PERIODS)
            .map(|i| (first + i) % PERIODS)
            .find(|&q| ok(q))
            .expect("some period is free for every pin");
        taken.extend(q..q + dur);
        b.doc.pins[k].period = Some(p(q / 8, q % 8));
    }
}

/// Necessary conditions for a timetable with no hard violation, with slack.
fn check_feasible(doc: &CampusDoc) {
    let inst = from_json(&write_doc(doc).unwrap(), "campus.json").expect("the sample reads");
    let np = inst.n_periods();
    // Rooms by kind: the courses that may only use a set of rooms need, together, at most
    // 60% of those rooms' open periods (labs run long and must fit within a day).
    let mut by_set: BTreeMap<Vec<u16>, u32> = BTreeMap::new();
    for c in &inst.courses {
        if let Some(rooms) = &c.rooms {
            let key = rooms.iter().map(|r| r.0).collect();
            *by_set.entry(key).or_default() += c.lectures as u32 * c.duration as u32;
        }
    }
    for (rooms, need) in &by_set {
        let open: u32 = rooms
            .iter()
            .map(|&r| {
                (0..np)
                    .filter(|&q| {
                        !inst.room_closed(atoll::model::RoomId(r), atoll::model::PeriodId(q as u16))
                    })
                    .count() as u32
            })
            .sum();
        assert!(
            *need * 10 <= open * 6,
            "rooms {rooms:?}: {need} lecture-periods need them, {open} room-periods are open"
        );
    }
    let total: u32 = inst
        .courses
        .iter()
        .map(|c| c.lectures as u32 * c.duration as u32)
        .sum();
    assert!(total * 10 <= (inst.rooms.len() * np) as u32 * 6);
    // Groups: weekly load at most 36 of the 48 periods.
    for g in &inst.curricula {
        let load: u32 = g
            .courses
            .iter()
            .map(|&c| inst.courses[c.idx()].lectures as u32 * inst.courses[c.idx()].duration as u32)
            .sum();
        assert!(load <= 36, "group {} has {load} periods a week", g.name);
    }
    // Teachers: weekly load at most half the periods they are free.
    for (t, name) in inst.teachers.iter().enumerate() {
        let courses = inst.courses_of_teacher(atoll::model::TeacherId(t as u16));
        let load: u32 = courses
            .iter()
            .map(|&c| inst.courses[c.idx()].lectures as u32 * inst.courses[c.idx()].duration as u32)
            .sum();
        let free = courses.first().map_or(np, |&c| {
            (0..np)
                .filter(|&q| !inst.is_unavailable(c, atoll::model::PeriodId(q as u16)))
                .count()
        });
        assert!(
            load as usize * 2 <= free,
            "teacher {name}: {load} periods, {free} free"
        );
    }
    // Pins on distinct periods (so they never clash with each other).
    let mut seen = HashSet::new();
    for pin in inst.campus.pins.iter().filter_map(|p| p.period) {
        assert!(seen.insert(pin), "two pins share a period");
    }
    eprintln!(
        "{} courses ({} lectures, {} lecture-periods), {} rooms, {} groups, {} teachers, {} pins; \
         room occupancy {:.2}",
        inst.courses.len(),
        inst.n_lectures(),
        total,
        inst.rooms.len(),
        inst.curricula.len(),
        inst.teachers.len(),
        inst.campus.pins.len(),
        total as f64 / (inst.rooms.len() * np) as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let campuses = match args.as_slice() {
        [] => 1,
        [flag, n] if flag == "--courses" => match n.parse::<usize>() {
            Ok(n) if (1..=CAMPUSES.len() * COURSES_PER_CAMPUS).contains(&n) => {
                n.div_ceil(COURSES_PER_CAMPUS)
            }
            _ => {
                eprintln!(
                    "gen_campus: --courses expects a whole number from 1 to {}, got {n:?}",
                    CAMPUSES.len() * COURSES_PER_CAMPUS
                );
                std::process::exit(2);
            }
        },
        _ => {
            eprintln!("usage: gen_campus [--courses N] > campus.json");
            std::process::exit(2);
        }
    };
    let doc = build(campuses);
    check_feasible(&doc);
    print!("{}", write_doc(&doc).unwrap());
}
