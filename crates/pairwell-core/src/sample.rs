//! Seeded synthetic organisations for demos, tests and benchmarks.
//!
//! [`sample_cohort`] builds a company the way real ones look: a pyramid of levels (1 = entry
//! to 8 = the chief executive), ten departments of uneven size, a reporting tree in which most
//! people report within their department to someone one or two levels up, teams that share a
//! regional hub (time zone and language), skills that follow department and level — seniors
//! master the classic skills of their field, juniors the newer tools — goals that people do not
//! already master (seniors want the new tools, which is what reverse mentoring is for), and
//! opt-ins with realistic shares (sponsors and protégés are rarer). The same seed gives the
//! same cohort on every platform.

use std::collections::BTreeMap;

use crate::cohort::{Person, Role};
use crate::memory::{self, OutOfMemory};
use crate::rng::Rng;

/// A department: its share of people, the classic skills of the field and its newer tools.
struct Department {
    name: &'static str,
    weight: f64,
    classic: &'static [&'static str],
    new: &'static [&'static str],
}

const DEPARTMENTS: [Department; 10] = [
    Department {
        name: "engineering",
        weight: 0.22,
        classic: &["java", "system_design", "code_review"],
        new: &["rust", "kubernetes", "genai"],
    },
    Department {
        name: "data",
        weight: 0.10,
        classic: &["statistics", "sql", "reporting"],
        new: &["python", "machine_learning", "dbt"],
    },
    Department {
        name: "product",
        weight: 0.08,
        classic: &["roadmapping", "stakeholder_management", "user_research"],
        new: &["experimentation", "product_analytics"],
    },
    Department {
        name: "design",
        weight: 0.05,
        classic: &["visual_design", "typography", "user_research"],
        new: &["figma", "design_systems"],
    },
    Department {
        name: "sales",
        weight: 0.14,
        classic: &["negotiation", "account_management", "forecasting"],
        new: &["crm_automation", "social_selling"],
    },
    Department {
        name: "marketing",
        weight: 0.08,
        classic: &["brand", "copywriting", "events"],
        new: &["seo", "marketing_automation", "social_media"],
    },
    Department {
        name: "finance",
        weight: 0.08,
        classic: &["accounting", "budgeting", "forecasting"],
        new: &["python", "power_bi"],
    },
    Department {
        name: "hr",
        weight: 0.06,
        classic: &["recruiting", "employee_relations", "compensation"],
        new: &["people_analytics", "hris"],
    },
    Department {
        name: "operations",
        weight: 0.10,
        classic: &["process_improvement", "lean", "vendor_management"],
        new: &["automation", "power_bi"],
    },
    Department {
        name: "supply_chain",
        weight: 0.09,
        classic: &["procurement", "logistics", "demand_planning"],
        new: &["supply_chain_analytics", "erp_cloud", "python"],
    },
];

/// Skills everyone grows with seniority.
const LEADERSHIP: [&str; 3] = ["leadership", "public_speaking", "strategy"];

/// Regional hubs: UTC offset and the language spoken there besides English.
const HUBS: [(f64, &str); 6] =
    [(-8.0, "english"), (-5.0, "spanish"), (0.0, "english"), (1.0, "german"), (5.5, "hindi"), (8.0, "mandarin")];

/// Share of people at levels 1..=7 (the chief executive is the one person at level 8).
const LEVEL_SHARES: [f64; 7] = [0.30, 0.25, 0.18, 0.12, 0.08, 0.05, 0.02];

fn pick_weighted(rng: &mut Rng, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut x = rng.unit() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if x < w {
            return i;
        }
        x -= w;
        last = i;
    }
    last
}

fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.unit() < p
}

/// A proficiency rounded to a whole number in 0..=5.
fn proficiency(x: f64) -> f64 {
    x.round().clamp(0.0, 5.0)
}

/// One person before ids and managers are names.
struct Draft {
    level: u8,
    department: usize,
    manager: Option<usize>,
    hub: usize,
}

/// `n` people of one synthetic organisation, the same for the same `seed`.
///
/// # Errors
/// [`OutOfMemory`] when the people (or the drafts of the organisation) cannot be allocated:
/// every buffer that grows with `n` is reserved before any person is made.
pub fn sample_cohort(n: usize, seed: u64) -> Result<Vec<Person>, OutOfMemory> {
    let mut people = memory::reserve(n, || format!("a sample cohort of {n} people"))?;
    let mut rng = Rng::new(seed ^ 0x7061_6972_7765_6c6c); // "pairwell"
    let drafts = org_tree(&mut rng, n)?;
    let width = n.to_string().len().max(5);
    let id = |i: usize| format!("p{:0width$}", i + 1);
    people.extend(drafts.iter().enumerate().map(|(i, d)| person(&mut rng, id(i), d, &id)));
    Ok(people)
}

/// Levels, departments, hubs and managers: the tree is built top-down, so every manager
/// exists before their reports.
fn org_tree(rng: &mut Rng, n: usize) -> Result<Vec<Draft>, OutOfMemory> {
    let mut drafts: Vec<Draft> = memory::reserve(n, || format!("the organisation of {n} people"))?;
    let mut levels: Vec<u8> = memory::collect(
        n.saturating_sub(1),
        (0..n.saturating_sub(1))
            .map(|_| 1 + u8::try_from(pick_weighted(rng, LEVEL_SHARES.iter().copied())).unwrap_or(0)),
        || format!("the levels of {n} people"),
    )?;
    levels.sort_unstable_by(|a, b| b.cmp(a));
    if n == 0 {
        return Ok(drafts);
    }
    drafts.push(Draft { level: 8, department: 8, manager: None, hub: 2 });
    // People by (department, level), to find managers one or two levels up.
    let mut by_place: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); 9]; DEPARTMENTS.len()];
    by_place[8][8].push(0);
    for level in levels {
        let department = pick_weighted(rng, DEPARTMENTS.iter().map(|d| d.weight));
        let home = if chance(rng, 0.9) { department } else { rng.below(DEPARTMENTS.len()) };
        let manager = (usize::from(level) + 1..=8)
            .find_map(|up| {
                let pool = &by_place[home][up];
                (!pool.is_empty()).then(|| pool[rng.below(pool.len())])
            })
            .unwrap_or(0);
        let hub = if chance(rng, 0.8) { drafts[manager].hub } else { rng.below(HUBS.len()) };
        by_place[department][usize::from(level)].push(drafts.len());
        drafts.push(Draft { level, department, manager: Some(manager), hub });
    }
    Ok(drafts)
}

fn person(rng: &mut Rng, id: String, d: &Draft, name: &impl Fn(usize) -> String) -> Person {
    let dept = &DEPARTMENTS[d.department];
    let level = f64::from(d.level);
    let junior = d.level <= 3;
    let mut skills: BTreeMap<String, f64> = BTreeMap::new();
    for s in dept.classic {
        skills.insert((*s).to_string(), proficiency(0.4 + 0.6 * level + 1.2 * (rng.unit() - 0.5)));
    }
    for s in dept.new {
        let p = if junior { 0.8 } else { 0.35 };
        if chance(rng, p) {
            let base = if junior { 4.6 - 0.5 * level } else { 3.2 - 0.35 * level };
            skills.insert((*s).to_string(), proficiency(base + 1.5 * (rng.unit() - 0.3)));
        }
    }
    for s in LEADERSHIP {
        skills.insert(s.to_string(), proficiency(0.7 * level - 0.8 + 1.2 * (rng.unit() - 0.5)));
    }
    let other = &DEPARTMENTS[rng.below(DEPARTMENTS.len())];
    let borrowed = other.classic[rng.below(other.classic.len())];
    skills.entry(borrowed.to_string()).or_insert_with(|| proficiency(1.0 + 2.0 * rng.unit()));
    skills.retain(|_, v| *v > 0.0);

    // A destination for about a quarter of the people who are still climbing.
    let target = (2..=5).contains(&d.level).then_some(()).filter(|()| chance(rng, 0.3)).map(|()| {
        if chance(rng, 0.6) {
            dept.name.to_string()
        } else {
            DEPARTMENTS[rng.below(DEPARTMENTS.len())].name.to_string()
        }
    });

    // Goals: what they do not master yet. Seniors want the new tools; juniors the classics,
    // leadership as they rise, and the classics of their destination.
    let mut wanted: Vec<&str> = Vec::new();
    if junior {
        wanted.extend(dept.classic);
    } else {
        wanted.extend(dept.new);
        wanted.extend(DEPARTMENTS[rng.below(DEPARTMENTS.len())].new);
    }
    if d.level >= 2 {
        wanted.extend(LEADERSHIP);
    }
    if let Some(t) = &target {
        if let Some(td) = DEPARTMENTS.iter().find(|x| x.name == t) {
            wanted.extend(td.classic);
        }
    }
    let mut goals: Vec<String> = Vec::new();
    let n_goals = 2 + rng.below(2);
    for _ in 0..12 {
        if goals.len() >= n_goals || wanted.is_empty() {
            break;
        }
        let g = wanted[rng.below(wanted.len())];
        if skills.get(g).copied().unwrap_or(0.0) < 3.0 && !goals.iter().any(|x| x == g) {
            goals.push(g.to_string());
        }
    }
    // Expertise: the skills they master, strongest first, at most three.
    let mut mastered: Vec<(&String, f64)> = skills.iter().filter(|(_, v)| **v >= 4.0).map(|(k, v)| (k, *v)).collect();
    mastered.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let expertise: Vec<String> = mastered.iter().take(3).map(|(k, _)| (*k).clone()).collect();

    let (timezone, regional) = HUBS[d.hub];
    let mut languages = Vec::new();
    if regional == "english" || chance(rng, 0.9) {
        languages.push("english".to_string());
    }
    if regional != "english" && (languages.is_empty() || chance(rng, 0.7)) {
        languages.push(regional.to_string());
    }

    let mut roles = Vec::new();
    let has_new_expertise = expertise.iter().any(|e| DEPARTMENTS.iter().any(|x| x.new.contains(&e.as_str())));
    for (role, eligible, share) in [
        (Role::Mentor, d.level >= 4, 0.45),
        (Role::Mentee, d.level <= 4, 0.30),
        (Role::Sponsor, d.level >= 6, 0.25),
        (Role::Protege, (2..=5).contains(&d.level) && target.is_some(), 0.30),
        (Role::ReverseMentor, junior && has_new_expertise, 0.25),
        (Role::ReverseMentee, d.level >= 5, 0.35),
    ] {
        if eligible && chance(rng, share) {
            roles.push(role);
        }
    }
    let capacity = if d.level >= 6 { 2 + u32::from(chance(rng, 0.5)) } else { 1 + u32::from(chance(rng, 0.3)) };

    Person {
        id,
        level,
        skills,
        goals,
        expertise,
        target,
        manager: d.manager.map(name),
        department: dept.name.to_string(),
        timezone: Some(timezone),
        languages,
        roles,
        capacity,
        ..Person::new("", 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::Cohort;

    #[test]
    fn impossible_sizes_are_an_error_naming_the_bytes() {
        for n in [usize::MAX, 1 << 50] {
            let e = sample_cohort(n, 0).unwrap_err();
            assert_eq!(e.bytes, n as u128 * std::mem::size_of::<Person>() as u128);
            assert!(e.to_string().contains(&format!("a sample cohort of {n} people needs")), "{e}");
        }
    }

    #[test]
    fn same_seed_same_cohort_and_valid() {
        let a = sample_cohort(600, 7).unwrap();
        assert_eq!(a, sample_cohort(600, 7).unwrap());
        assert_ne!(a, sample_cohort(600, 8).unwrap());
        let levels: std::collections::HashMap<&str, f64> = a.iter().map(|p| (p.id.as_str(), p.level)).collect();
        assert!(a.iter().all(|p| p.manager.as_deref().is_none_or(|m| levels[m] > p.level)));
        assert_eq!(a.iter().filter(|p| p.manager.is_none()).count(), 1);
        assert!(Cohort::new(a).is_ok());
        assert!(sample_cohort(0, 0).unwrap().is_empty());
        assert!(Cohort::new(sample_cohort(1, 0).unwrap()).is_ok());
    }

    #[test]
    fn opt_ins_follow_level_with_the_designed_shares() {
        let people = sample_cohort(20_000, 2).unwrap();
        for (role, eligible, share) in [
            (Role::Mentor, (4, 8), 0.45),
            (Role::Mentee, (1, 4), 0.30),
            (Role::Sponsor, (6, 8), 0.25),
            (Role::Protege, (2, 5), 0.09),
            (Role::ReverseMentor, (1, 3), 0.21),
            (Role::ReverseMentee, (5, 8), 0.35),
        ] {
            let within = |p: &&Person| (f64::from(eligible.0)..=f64::from(eligible.1)).contains(&p.level);
            let takers = people.iter().filter(|p| p.has_role(role)).count();
            assert!(people.iter().filter(|p| p.has_role(role)).all(|p| within(&p)), "{} out of range", role.name());
            let pool = people.iter().filter(within).count();
            let found = takers as f64 / pool as f64;
            assert!(
                (found - share).abs() < 0.03,
                "{}: {found:.3} of those eligible, expected about {share}",
                role.name()
            );
        }
        assert!(people.iter().all(|p| (1..=3).contains(&p.capacity)));
        assert!(people.iter().all(|p| HUBS.iter().any(|h| Some(h.0) == p.timezone) && !p.languages.is_empty()));
    }

    #[test]
    fn shape_is_realistic() {
        let people = sample_cohort(5000, 1).unwrap();
        let count = |f: &dyn Fn(&Person) -> bool| people.iter().filter(|p| f(p)).count();
        let juniors = count(&|p| p.level <= 3.0);
        let seniors = count(&|p| p.level >= 6.0);
        assert!(juniors > 3 * seniors, "pyramid: {juniors} juniors, {seniors} seniors");
        let role = |r| count(&|p: &Person| p.has_role(r));
        assert!(role(Role::Sponsor) < role(Role::Mentor) && role(Role::Protege) < role(Role::Mentee));
        for r in Role::ALL {
            assert!(role(r) > 0, "nobody opted in as {}", r.name());
        }
        assert!(people.iter().all(|p| !p.has_role(Role::Protege) || p.target.is_some()));
        // Goals are never already mastered.
        assert!(people.iter().all(|p| p.goals.iter().all(|g| p.skill(g) < 3.0)));
        // Reverse mentors teach what some senior learners want.
        let wanted: std::collections::HashSet<&String> =
            people.iter().filter(|p| p.has_role(Role::ReverseMentee)).flat_map(|p| &p.goals).collect();
        let useful = people
            .iter()
            .filter(|p| p.has_role(Role::ReverseMentor))
            .filter(|p| p.expertise.iter().any(|e| wanted.contains(e)))
            .count();
        assert!(
            useful * 2 > role(Role::ReverseMentor),
            "{useful} of {} reverse mentors are useful",
            role(Role::ReverseMentor)
        );
    }
}
