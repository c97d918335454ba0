//! The matching engine: people and a program in, the optimal pairs and their explanations out.
//!
//! [`match_people`] validates the cohort and config, takes the people who opted into the
//! program's two roles (sorted by id, so input order never changes the result), scores every
//! giver × receiver pair in parallel, removes pairs that break a hard rule, forces the pins in,
//! and solves the rest exactly as a maximum-weight matching with giver capacities in which
//! people may stay unmatched. The [`MatchResult`] keeps what it needs to explain any pair and
//! to prove its total optimal.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::cancel::Cancelled;
use crate::candidates::{Bonus, Bounds, Counts, Pairs, Scan, Tables, OPEN};
use crate::cohort::{Cohort, CohortError, Person};
use crate::criteria::check_columns;
use crate::floors::{self, FloorError, FloorGroups, Floors, Groups, Standing};
use crate::memory::OutOfMemory;
use crate::people::People;
use crate::program::{Config, ConfigError, Objective, Program, Settings, Solver};
use crate::rematch::{self, Change, Keep, Previous};
use crate::rules::{Rule, Rules};
use crate::score::{PairScore, Scorer};
use crate::solve::sparse::{verify_sparse, Csr, SparseError, SparseSolver};
use crate::solve::{self, Assignment, CertificateError, SolveError, SolveOptions};

/// Columns of the pairs table, in order, without custom components (see
/// [`MatchResult::pair_columns`]).
pub const PAIR_COLUMNS: [&str; 13] = [
    "giver",
    "receiver",
    "score",
    "skills",
    "seniority",
    "goals",
    "expertise",
    "reciprocity",
    "logistics",
    "timezone_gap",
    "shared_language",
    "gap",
    "pinned",
];

/// The columns of a pairs table whose pairs have `components` (see
/// [`crate::score::component_names`]): [`PAIR_COLUMNS`] with those in place of the five.
#[must_use]
pub fn pair_columns(components: Vec<&str>) -> Vec<&str> {
    let mut columns = PAIR_COLUMNS[..3].to_vec();
    columns.extend(components);
    columns.extend_from_slice(&PAIR_COLUMNS[8..]);
    columns
}

/// Columns of the unmatched table, in order.
pub const UNMATCHED_COLUMNS: [&str; 4] = ["id", "side", "reason", "detail"];

/// Why a matching could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// The people do not form a valid cohort.
    #[error(transparent)]
    Cohort(#[from] CohortError),
    /// The program or config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An id in config (`never`, `pin`) or in a question that names nobody in the cohort.
    #[error("{key}: unknown id {id:?}")]
    UnknownId {
        /// Where the id appeared (`never`, `pin`, `giver`, `receiver`).
        key: &'static str,
        /// The id.
        id: String,
    },
    /// A pin that cannot be honoured.
    #[error("pin [{giver:?}, {receiver:?}] cannot be made: {reason}")]
    Pin {
        /// The pinned giver.
        giver: String,
        /// The pinned receiver.
        receiver: String,
        /// Which rule or capacity it breaks.
        reason: String,
    },
    /// The solver failed (it cannot with valid scores; kept so nothing is silently dropped).
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The caller cancelled the match (see [`crate::cancel`]).
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    /// A table that grows with the cohort could not be allocated.
    #[error(transparent)]
    Memory(#[from] OutOfMemory),
    /// The sparse solver failed (it cannot on a valid candidate graph; kept so nothing is
    /// silently dropped).
    #[error(transparent)]
    Sparse(#[from] SparseError),
    /// The previous pairs or `keep` of a re-matching cannot be used.
    #[error("previous: {0}")]
    Previous(String),
    /// Group floors that no matching meets.
    #[error(transparent)]
    Floor(#[from] FloorError),
}

/// One pair of the matching.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// Giver id.
    pub giver: String,
    /// Receiver id.
    pub receiver: String,
    /// The pair's score and breakdown.
    #[serde(flatten)]
    pub score: PairScore,
    /// Whether config pinned this pair.
    pub pinned: bool,
}

/// Which side of the program a person is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Mentor, sponsor or reverse mentor.
    Giver,
    /// Mentee, protégé or reverse mentee.
    Receiver,
}

impl Side {
    /// `giver` or `receiver`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Side::Giver => "giver",
            Side::Receiver => "receiver",
        }
    }
}

/// Why a participant ended up without a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Every possible partner is excluded by a hard rule (other than `min_score`).
    NoEligiblePartner,
    /// Some partners pass the hard rules, but all of them score below `min_score`.
    BelowMinScore,
    /// Eligible partners exist, but the optimum gives each of them to someone else.
    PartnersTaken,
    /// A giver whose capacity is 0: they opted in but can take nobody.
    NoCapacity,
}

impl Reason {
    /// The reason as tables show it.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Reason::NoEligiblePartner => "no eligible partner",
            Reason::BelowMinScore => "every partner below min_score",
            Reason::PartnersTaken => "partners taken by others",
            Reason::NoCapacity => "no capacity",
        }
    }
}

/// A participant left without a partner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The person's id.
    pub id: String,
    /// Their side.
    pub side: Side,
    /// Why.
    pub reason: Reason,
    /// How many partners each rule excluded, by rule name (`reporting_chain`, ...), and how
    /// many were `eligible` (allowed, or taken by a pin); empty when nobody is on the other side.
    pub detail: BTreeMap<String, usize>,
}

/// Everything known about one giver → receiver pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Giver id.
    pub giver: String,
    /// Receiver id.
    pub receiver: String,
    /// Score and breakdown.
    #[serde(flatten)]
    pub score: PairScore,
    /// Whether the rules allow the pair.
    pub allowed: bool,
    /// The rule that forbids it, if any.
    pub rule: Option<Rule>,
    /// Whether the matching contains it.
    pub matched: bool,
    /// How much the optimal total drops if this pair is forced in (0 when matched; `None`
    /// when a rule forbids it), in the solver's weights (see [`MatchResult::solver_total`]).
    pub regret: Option<f64>,
}

/// The optimal matching of one program, with what is needed to explain and certify it.
#[derive(Clone, Debug)]
pub struct MatchResult {
    /// The program matched.
    pub program: Program,
    /// The settings used (preset plus config).
    pub settings: Settings,
    /// The pairs, sorted by giver then receiver id.
    pub pairs: Vec<Pair>,
    /// Participants without a partner, givers first, each sorted by id.
    pub unmatched: Vec<Unmatched>,
    /// Sum of pair scores: the maximum over all matchings that keep the rules and capacities
    /// (under the `participation` objective, over those that match the most receivers).
    pub total: f64,
    /// What the solver maximised and the certificate proves: the sum of the pairs' weights
    /// (score plus the bonuses of the `participation` objective, of re-matching's `keep` and of
    /// the floors' coverage, dummy givers included). Equals `total` when no bonus applies.
    pub solver_total: f64,
    /// What was tolerated or is worth knowing: unknown managers ignored, a side nobody opted
    /// into, exact duplicate rows dropped.
    pub warnings: Vec<String>,
    /// Wall time of scoring and rules, in seconds.
    pub scoring_seconds: f64,
    /// Wall time of the solver, in seconds.
    pub solving_seconds: f64,
    /// Which solver found the optimum.
    pub solver: Solver,
    /// After [`rematch_read`]: what became of each previous pair, and the new pairs.
    pub changes: Option<Vec<Change>>,
    pub(crate) cohort: Cohort,
    pub(crate) scorer: Scorer,
    pub(crate) rules: Rules,
    pub(crate) givers: Vec<usize>,
    pub(crate) receivers: Vec<usize>,
    /// Places left to each giver once the pins are in (the solver's row capacities).
    pub(crate) room: Vec<usize>,
    /// Whether no pin took each receiver.
    pub(crate) receiver_free: Vec<bool>,
    pub(crate) options: SolveOptions,
    /// The optimum of the problem without the pins, with its certifying duals.
    pub(crate) solution: Assignment,
    /// Giver and receiver of each pin (positions in `givers`, `receivers`).
    pub(crate) pins: Vec<(usize, usize)>,
    /// What the solver adds to each open pair's score.
    pub(crate) bonus: Bonus,
    /// The group floors' rows and columns of the solver's problem (see [`crate::floors`]).
    pub(crate) floors: Floors,
    /// The sparse solver's final arcs `(giver, receiver, score)`, sorted (empty when dense).
    pub(crate) arcs: Vec<Arc>,
    /// Every pair's score, gain and rule: built by the dense solve, or on first need.
    pub(crate) tables: OnceLock<Tables>,
    /// The optimum as a residual graph, for recommendations: built on first need.
    pub(crate) residual: OnceLock<crate::recommend::Residual>,
}

/// Matches `people` for `program` under `config`.
///
/// # Errors
/// [`MatchError`] for an invalid cohort (duplicate ids, NaN levels, unknown managers, manager
/// cycles...), an invalid config, unknown ids in `never` or `pin`, or a pin that breaks a rule
/// or a capacity.
pub fn match_people(people: Vec<Person>, program: Program, config: &Config) -> Result<MatchResult, MatchError> {
    match_read(People { people, ..People::default() }, program, config)
}

/// [`match_people`] for people read by [`crate::people::PeopleReader`]: messages name their
/// input rows, and the reader's warnings come out in [`MatchResult::warnings`].
///
/// # Errors
/// As [`match_people`].
pub fn match_read(people: People, program: Program, config: &Config) -> Result<MatchResult, MatchError> {
    solve_read(people, program, config, None)
}

/// Matches `people` again after a `previous` matching (see [`crate::rematch`]): the surviving
/// previous pairs get `keep` added to their solver weight, or are pinned; the result's
/// `changes` say what became of every previous pair.
///
/// # Errors
/// As [`match_people`], and [`MatchError::Previous`] for a receiver in two previous pairs or a
/// negative or non-finite `keep`.
pub fn rematch_read(
    people: People,
    program: Program,
    config: &Config,
    previous: &Previous,
) -> Result<MatchResult, MatchError> {
    previous.check()?;
    let mut result = solve_read(people, program, config, Some(previous))?;
    let made: std::collections::BTreeSet<(&str, &str)> =
        result.pairs.iter().map(|p| (p.giver.as_str(), p.receiver.as_str())).collect();
    let allowed = |g: &str, r: &str| {
        let (gi, ri) = result.positions(g, r)?;
        let (g, r) = (result.givers[gi], result.receivers[ri]);
        Some(result.rules.check(&result.cohort, &result.scorer, g, r, &result.scorer.pair(g, r)).is_none())
    };
    let changes = rematch::changes(&previous.pairs, &made, allowed);
    result.changes = Some(changes);
    Ok(result)
}

fn solve_read(
    people: People,
    program: Program,
    config: &Config,
    previous: Option<&Previous>,
) -> Result<MatchResult, MatchError> {
    let Setup { columns, settings, cohort, scorer, rules, givers, receivers, pinned, warnings } =
        setup(people, program, config)?;
    let people = cohort.people();

    // Pins first: they decide which pairs are in the solver's problem.
    let clock = Instant::now();
    let pins = place_pins(
        &cohort,
        &settings,
        &givers,
        &receivers,
        |gi, ri| {
            let (g, r) = (givers[gi], receivers[ri]);
            rules.check(&cohort, &scorer, g, r, &scorer.pair(g, r))
        },
        &pinned,
    )?;
    let mut pins = pins;
    let mut room: Vec<usize> = givers.iter().map(|&g| people[g].capacity as usize).collect();
    let mut receiver_free = vec![true; receivers.len()];
    for &(gi, ri) in &pins {
        room[gi] -= 1;
        receiver_free[ri] = false;
    }
    let mut bonus = Bonus::default();
    if let Some(previous) = previous {
        // The previous pairs both of whose people are still on their sides and that no rule
        // forbids now, by position.
        let mut survivors: Vec<(usize, usize)> = previous
            .pairs
            .iter()
            .filter_map(|[g, r]| positions(&cohort, &givers, &receivers, g, r))
            .filter(|&(gi, ri)| {
                let (g, r) = (givers[gi], receivers[ri]);
                rules.check(&cohort, &scorer, g, r, &scorer.pair(g, r)).is_none()
            })
            .collect();
        survivors.sort_unstable();
        match previous.keep {
            Keep::All => {
                for (gi, ri) in survivors {
                    if receiver_free[ri] && room[gi] > 0 {
                        room[gi] -= 1;
                        receiver_free[ri] = false;
                        pins.push((gi, ri));
                    }
                }
            }
            Keep::Bonus(keep) => {
                bonus.keep = keep;
                bonus.kept = survivors.into_iter().map(|(gi, ri)| (gi as u32, ri as u32)).collect();
            }
        }
    }
    bonus.each = objective_bonus(&settings, &receiver_free, bonus.keep);
    // Covering one person more outweighs any total of the rest of the objective.
    let free = receiver_free.iter().filter(|&&free| free).count() as f64;
    let weight = (free + 1.0) * (1.0 + bonus.keep + bonus.each);
    let floors = floors_of(&settings, &columns, people, &givers, &receivers, &room, &pins, &receiver_free, weight)?;
    if let Some(r) = &floors.receiver {
        bonus.receiver = vec![0.0; receivers.len()];
        for &ri in r.groups.iter().flat_map(|g| &g.members) {
            bonus.receiver[ri as usize] = weight;
        }
    }
    if !floors.is_empty() {
        bonus.floor = weight;
    }
    let capacities = floors.capacities();
    let options = SolveOptions { maximize: true, capacities: Some(capacities), allow_unmatched: true };
    let solver = settings.solver.pick(givers.len(), receivers.len());
    let pairs = Pairs {
        cohort: &cohort,
        scorer: &scorer,
        rules: &rules,
        givers: &givers,
        receivers: &receivers,
        room: &room,
        receiver_free: &receiver_free,
        k: settings.candidates,
        bonus: &bonus,
    };
    if floors.over_size() {
        return Err(floors.infeasible(&pairs, 0)?);
    }
    let tables = OnceLock::new();
    let (scan, solution, arcs, scoring_seconds, solving_seconds) = match solver {
        // `pick` never answers `Auto`.
        Solver::Dense | Solver::Auto => {
            let (scan, t) = pairs.scan_with_tables()?;
            let scoring_seconds = clock.elapsed().as_secs_f64();
            let clock = Instant::now();
            let solution = solve::solve(floors.extend(&t.problem).view(), &options)?;
            let _ = tables.set(t);
            (scan, solution, Vec::new(), scoring_seconds, clock.elapsed().as_secs_f64())
        }
        Solver::Sparse => {
            let scan = pairs.scan_deep(DEPTH * pairs.k)?;
            let scoring_seconds = clock.elapsed().as_secs_f64();
            let clock = Instant::now();
            let (solution, arcs) = solve_on_candidates(&pairs, &scan, &options, &floors)?;
            (scan, solution, arcs, scoring_seconds, clock.elapsed().as_secs_f64())
        }
    };
    let short = floors.uncovered(&solution);
    if short > 0 {
        return Err(floors.infeasible(&pairs, short)?);
    }
    let solved = floors.real_pairs(&solution);
    let unmatched = unmatched(people, &settings, &givers, &receivers, &scan, &pins, &solved);

    let mut result = MatchResult {
        program,
        settings,
        pairs: Vec::new(),
        unmatched,
        warnings,
        total: 0.0,
        solver_total: 0.0,
        scoring_seconds,
        solving_seconds,
        solver,
        changes: None,
        cohort,
        scorer,
        rules,
        givers,
        receivers,
        room,
        receiver_free,
        options,
        solution,
        pins,
        bonus,
        floors,
        arcs,
        tables,
        residual: OnceLock::new(),
    };
    result.pairs = result.named_pairs(&result.solved_pairs());
    result.total = result.pairs.iter().map(|p| p.score.score).sum::<f64>() + 0.0; // never -0.0
    result.solver_total = result.pinned_weight() + result.solution.objective + 0.0;
    Ok(result)
}

/// The config's group floors over the sides, with coverage weight `weight`.
///
/// # Errors
/// [`ConfigError`] for a floor's column that the people table lacks or that holds lists.
#[allow(clippy::too_many_arguments)]
fn floors_of(
    settings: &Settings,
    columns: &[String],
    people: &[Person],
    givers: &[usize],
    receivers: &[usize],
    room: &[usize],
    pins: &[(usize, usize)],
    receiver_free: &[bool],
    weight: f64,
) -> Result<Floors, ConfigError> {
    let (mut receiver, mut giver) = (None, None);
    for floor in &settings.floors {
        let out = |value: String, expected| ConfigError::OutOfRange { key: "floors", value, expected };
        let values = floors::column_values(&floor.by, columns, people)
            .map_err(|problem| out(problem, "one text or number per person, the group"))?
            .ok_or_else(|| {
                out(format!("by = '{}', an unknown column", floor.by), "expected a column of the people table")
            })?;
        let (side, standing): (&[usize], Vec<Standing>) = match floor.side {
            Side::Receiver => (
                receivers,
                receiver_free.iter().map(|&free| if free { Standing::Open } else { Standing::Pinned }).collect(),
            ),
            Side::Giver => {
                let mut standing: Vec<Standing> =
                    room.iter().map(|&room| if room > 0 { Standing::Open } else { Standing::Closed }).collect();
                for &(gi, _) in pins {
                    standing[gi] = Standing::Pinned;
                }
                (givers, standing)
            }
        };
        let ids: Vec<&str> = side.iter().map(|&i| people[i].id.as_str()).collect();
        let groups = Some(Groups::new(floor, &values, &ids, &standing));
        match floor.side {
            Side::Receiver => receiver = groups,
            Side::Giver => giver = groups,
        }
    }
    Ok(Floors::new(receiver, giver, weight, room, receivers.len()))
}

/// The bonus the objective adds to every open pair. `participation` adds `B` = the number of
/// receivers the solver can match times the largest weight without it (`1 + keep`): one
/// receiver more is then worth more than any change of the rest, so the optimum matches the
/// most receivers and, among those matchings, has the largest total weight.
fn objective_bonus(settings: &Settings, receiver_free: &[bool], keep: f64) -> f64 {
    match settings.objective {
        Objective::Score => 0.0,
        Objective::Participation => receiver_free.iter().filter(|&&free| free).count() as f64 * (1.0 + keep),
    }
}

/// Positions of giver `g` and receiver `r` (ids) in the sorted sides, when both are on them.
fn positions(cohort: &Cohort, givers: &[usize], receivers: &[usize], g: &str, r: &str) -> Option<(usize, usize)> {
    let people = cohort.people();
    let find = |side: &[usize], id: &str| side.binary_search_by(|&p| people[p].id.as_str().cmp(id)).ok();
    Some((find(givers, g)?, find(receivers, r)?))
}

/// A cohort ready to score and match: what [`match_read`] and [`crate::recommend`] start from.
pub(crate) struct Setup {
    /// Names of the table's columns outside the schema.
    pub columns: Vec<String>,
    pub settings: Settings,
    pub cohort: Cohort,
    pub scorer: Scorer,
    pub rules: Rules,
    /// Cohort positions of the givers and of the receivers, each sorted by id.
    pub givers: Vec<usize>,
    pub receivers: Vec<usize>,
    /// The pins, as cohort positions.
    pub pinned: Vec<(usize, usize)>,
    pub warnings: Vec<String>,
}

/// Validates the cohort and config, resolves `never` and `pin`, and takes the people who opted
/// into the program's two roles (sorted by id, so input order never changes the result).
pub(crate) fn setup(people: People, program: Program, config: &Config) -> Result<Setup, MatchError> {
    let settings = Settings::resolve(program, config)?;
    let People { people, rows, mut warnings, columns } = people;
    check_columns(&settings.criteria, &columns, &people)?;
    let cohort = Cohort::with_options(people, &rows, settings.cohort_options())?;
    warnings.extend_from_slice(cohort.warnings());
    let resolve = |key, pairs: &[[String; 2]]| -> Result<Vec<(usize, usize)>, MatchError> {
        pairs
            .iter()
            .map(|[g, r]| {
                let find =
                    |id: &String| cohort.position(id).ok_or_else(|| MatchError::UnknownId { key, id: id.clone() });
                Ok((find(g)?, find(r)?))
            })
            .collect()
    };
    let never = resolve("never", &settings.never)?;
    let pinned = resolve("pin", &settings.pin)?;
    let scorer = Scorer::new(&cohort, &settings)?;
    let rules = Rules::new(never);

    let people = cohort.people();
    let side = |role| {
        let mut ids: Vec<usize> = (0..people.len()).filter(|&i| people[i].has_role(role)).collect();
        ids.sort_by(|&a, &b| people[a].id.cmp(&people[b].id));
        ids
    };
    let givers = side(program.giver_role());
    let receivers = side(program.receiver_role());
    for (ids, role) in [(&givers, program.giver_role()), (&receivers, program.receiver_role())] {
        if ids.is_empty() {
            warnings.push(format!(
                "nobody opted into the role '{}' (column 'roles'): {} has no {} side, so nobody is matched",
                role.name(),
                program.name(),
                if role == program.giver_role() { "giver" } else { "receiver" },
            ));
        }
    }
    Ok(Setup { columns, settings, cohort, scorer, rules, givers, receivers, pinned, warnings })
}

/// Pins as (giver, receiver) positions in the sorted sides, after checking each is allowed
/// and that no receiver is pinned twice and no giver beyond capacity.
fn place_pins(
    cohort: &Cohort,
    settings: &Settings,
    givers: &[usize],
    receivers: &[usize],
    rule: impl Fn(usize, usize) -> Option<Rule>,
    pinned: &[(usize, usize)],
) -> Result<Vec<(usize, usize)>, MatchError> {
    let people = cohort.people();
    let mut used = vec![0u32; givers.len()];
    let mut taken = vec![false; receivers.len()];
    let mut pins = Vec::with_capacity(pinned.len());
    for &(g, r) in pinned {
        let fail =
            |reason: String| MatchError::Pin { giver: people[g].id.clone(), receiver: people[r].id.clone(), reason };
        let gi = givers
            .iter()
            .position(|&x| x == g)
            .ok_or_else(|| fail("the giver did not opt into the giver role".into()))?;
        let ri = receivers
            .iter()
            .position(|&x| x == r)
            .ok_or_else(|| fail("the receiver did not opt into the receiver role".into()))?;
        if let Some(rule) = rule(gi, ri) {
            return Err(fail(format!("it breaks the rule {}", rule.name_in(settings))));
        }
        if taken[ri] {
            return Err(fail("the receiver is pinned twice".into()));
        }
        used[gi] += 1;
        if used[gi] > people[g].capacity {
            return Err(fail(format!("the giver's capacity is {}", people[g].capacity)));
        }
        taken[ri] = true;
        pins.push((gi, ri));
    }
    Ok(pins)
}

/// Every participant without a partner, with the reason, from the partners each rule excluded.
fn unmatched(
    people: &[Person],
    settings: &Settings,
    givers: &[usize],
    receivers: &[usize],
    scan: &Scan,
    pins: &[(usize, usize)],
    solved: &[(usize, usize)],
) -> Vec<Unmatched> {
    let mut giver_has = vec![false; givers.len()];
    let mut receiver_has = vec![false; receivers.len()];
    for &(g, r) in pins.iter().chain(solved) {
        giver_has[g] = true;
        receiver_has[r] = true;
    }
    let explain = |id: &str, side, counts: &Counts| {
        // A pair a pin took is still an eligible one: someone else simply has it.
        let open = (counts[OPEN] + counts[Rule::TakenByPin.slot()]) as usize;
        let excluded =
            (0..Rule::SLOTS).map(Rule::of_slot).filter(|&rule| rule != Rule::TakenByPin && counts[rule.slot()] > 0);
        let reason = if open > 0 {
            Reason::PartnersTaken
        } else if counts[Rule::BelowMinScore.slot()] > 0 {
            Reason::BelowMinScore
        } else {
            Reason::NoEligiblePartner
        };
        let mut detail: BTreeMap<String, usize> =
            excluded.map(|rule| (rule.name_in(settings).to_string(), counts[rule.slot()] as usize)).collect();
        if open > 0 {
            detail.insert("eligible".into(), open);
        }
        Unmatched { id: id.to_string(), side, reason, detail }
    };
    let mut out = Vec::new();
    for (gi, &g) in givers.iter().enumerate() {
        if !giver_has[gi] {
            let mut u = explain(&people[g].id, Side::Giver, &scan.giver_counts[gi]);
            if people[g].capacity == 0 {
                u.reason = Reason::NoCapacity;
            }
            out.push(u);
        }
    }
    for (ri, &r) in receivers.iter().enumerate() {
        if !receiver_has[ri] {
            out.push(explain(&people[r].id, Side::Receiver, &scan.receiver_counts[ri]));
        }
    }
    out
}

/// The CSR arrays (`indptr`, `indices`, `costs`) of `arcs`, sorted by giver, over `n_givers` rows.
fn csr_of(arcs: &[Arc], n_givers: usize) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let mut indptr = vec![0usize; n_givers + 1];
    for &(gi, _, _) in arcs {
        indptr[gi as usize + 1] += 1;
    }
    for gi in 0..n_givers {
        indptr[gi + 1] += indptr[gi];
    }
    (indptr, arcs.iter().map(|a| a.1 as usize).collect(), arcs.iter().map(|a| a.2).collect())
}

/// How many times `candidates` of each participant's best pairs the sparse path keeps: the
/// solver's arcs are the first `candidates` (givers: `k + min(capacity, k)`), the rest are
/// priced from their known weights, and the lists' last scores bound every other pair.
const DEPTH: usize = 4;

/// How many times `candidates` of its most violating pairs each giver and each receiver brings
/// into the graph in one pricing round. Each round ends in a resume, which places again every
/// giver a violating pair sends back; more pairs a round means fewer rounds for the same
/// pairs: at 100,000 people, 14 rounds with `1`, 7 with `8`, and about 40% less time.
const VIOLATORS: usize = 8;

/// An arc of the candidate graph: giver, receiver (positions in the sides) and score.
pub(crate) type Arc = (u32, u32, f64);

/// The optimum of the whole problem, found on the candidate graph: solve on the candidate
/// arcs, price every other pair against the duals, add the violating ones and resume, until
/// none is left. Returns the solution and the final arcs.
fn solve_on_candidates(
    pairs: &Pairs<'_>,
    scan: &Scan,
    options: &SolveOptions,
    floors: &Floors,
) -> Result<(Assignment, Vec<Arc>), MatchError> {
    let mut known = pairs.known(scan);
    let mut candidates: Vec<Arc> = Vec::new();
    for (gi, list) in known.iter().enumerate() {
        candidates.extend(list.iter().filter(|k| k.2).map(|&(ri, w, _)| (gi as u32, ri, w)));
    }
    let mut arcs = floors.arcs(&candidates);
    drop(candidates);
    let (indptr, indices, costs) = csr_of(&arcs, floors.n_rows());
    let csr = Csr { n_cols: floors.n_cols(), indptr: &indptr, indices: &indices, costs: &costs };
    let mut solver = SparseSolver::new(&csr, options)?;
    let mut bounds = Bounds::default();
    loop {
        let solution = solver.solve()?;
        let u = floors.giver_duals(&solution.row_duals);
        let found = pairs.price(scan, &u, &solution.col_duals, &mut known, &mut bounds, VIOLATORS * pairs.k)?;
        if found.is_empty() {
            arcs.sort_by_key(|a| (a.0, a.1));
            return Ok((solution, arcs));
        }
        for &(gi, ri, weight) in &found {
            let list = &mut known[gi];
            match list.binary_search_by_key(&(ri as u32), |k| k.0) {
                Ok(at) => list[at].2 = true,
                Err(at) => list.insert(at, (ri as u32, weight, true)),
            }
        }
        let more = floors.more_arcs(&found);
        let rows: Vec<usize> = more.iter().map(|a| a.0 as usize).collect();
        let cols: Vec<usize> = more.iter().map(|a| a.1 as usize).collect();
        let costs: Vec<f64> = more.iter().map(|a| a.2).collect();
        solver.add_arcs(&rows, &cols, &costs)?;
        arcs.extend(more);
    }
}

impl MatchResult {
    /// The pins plus `pairs` (positions in the solver's problem) as named, scored pairs,
    /// sorted by giver then receiver id.
    pub(crate) fn named_pairs(&self, pairs: &[(usize, usize)]) -> Vec<Pair> {
        let people = self.cohort.people();
        let pinned = self.pins.iter().map(|&(g, r)| (g, r, true));
        let mut named: Vec<Pair> = pinned
            .chain(pairs.iter().map(|&(g, r)| (g, r, false)))
            .map(|(gi, ri, pinned)| Pair {
                giver: people[self.givers[gi]].id.clone(),
                receiver: people[self.receivers[ri]].id.clone(),
                score: self.scorer.pair(self.givers[gi], self.receivers[ri]),
                pinned,
            })
            .collect();
        named.sort_by(|a, b| (&a.giver, &a.receiver).cmp(&(&b.giver, &b.receiver)));
        named
    }

    /// The solver's pairs of people (the floors' dummies left out), sorted.
    pub(crate) fn solved_pairs(&self) -> Vec<(usize, usize)> {
        self.floors.real_pairs(&self.solution)
    }

    /// The group floors, receiver floor first, each with every group's floor.
    #[must_use]
    pub fn floor_groups(&self) -> Vec<FloorGroups<'_>> {
        self.floors.tables().map(Groups::view).collect()
    }

    /// Positions of giver `g` and receiver `r` (ids) in the sides, when both take part.
    fn positions(&self, g: &str, r: &str) -> Option<(usize, usize)> {
        positions(&self.cohort, &self.givers, &self.receivers, g, r)
    }

    /// The pairs of this run, scored on the fly.
    pub(crate) fn pair_view(&self) -> Pairs<'_> {
        Pairs {
            cohort: &self.cohort,
            scorer: &self.scorer,
            rules: &self.rules,
            givers: &self.givers,
            receivers: &self.receivers,
            room: &self.room,
            receiver_free: &self.receiver_free,
            k: self.settings.candidates,
            bonus: &self.bonus,
        }
    }

    /// The solver weights of the pinned pairs, summed.
    fn pinned_weight(&self) -> f64 {
        self.pins
            .iter()
            .map(|&(gi, ri)| self.scorer.pair(self.givers[gi], self.receivers[ri]).score + self.bonus.of(gi, ri))
            .sum()
    }

    /// Every pair's score, gain and rule, and the dense problem: kept from a dense solve,
    /// built by one parallel pass on first need otherwise (memory: about 25 bytes a pair).
    pub(crate) fn tables(&self) -> Result<&Tables, MatchError> {
        if let Some(t) = self.tables.get() {
            return Ok(t);
        }
        let (_, t) = self.pair_view().scan_with_tables()?;
        Ok(self.tables.get_or_init(|| t))
    }

    /// Score, rule, match status and regret of giver → receiver.
    ///
    /// # Errors
    /// [`MatchError::UnknownId`] when either id is not in the cohort.
    pub fn explain(&self, giver: &str, receiver: &str) -> Result<Explanation, MatchError> {
        let find =
            |key, id: &str| self.cohort.position(id).ok_or_else(|| MatchError::UnknownId { key, id: id.to_string() });
        let (g, r) = (find("giver", giver)?, find("receiver", receiver)?);
        let score = self.scorer.pair(g, r);
        let gi = self.givers.iter().position(|&x| x == g);
        let ri = self.receivers.iter().position(|&x| x == r);
        let (rule, matched, regret) = match (gi, ri) {
            (Some(gi), Some(ri)) => {
                let matched = self.solved_pairs().binary_search(&(gi, ri)).is_ok() || self.pins.contains(&(gi, ri));
                let view = self.pair_view();
                match view.rule(gi, ri, &score) {
                    _ if matched => (None, true, Some(0.0)),
                    Some(rule) => (Some(rule), false, None),
                    None => (None, false, self.regret(&view, gi, ri)?),
                }
            }
            _ => (Some(Rule::NotOptedIn), false, None),
        };
        Ok(Explanation {
            giver: giver.to_string(),
            receiver: receiver.to_string(),
            score,
            allowed: rule.is_none(),
            rule,
            matched,
            regret,
        })
    }

    /// What forcing the open pair `(gi, ri)` costs the optimum: the search reads the weights of
    /// the dense problem when there is one, else scores the pairs it reaches.
    fn regret(&self, view: &Pairs<'_>, gi: usize, ri: usize) -> Result<Option<f64>, Cancelled> {
        let tables = self.tables.get();
        let real = |gi: usize, ri: usize| {
            if let Some(t) = tables {
                return t.problem[[gi, ri]];
            }
            let (pair, rule) = view.pair(gi, ri);
            if rule.is_none() {
                pair.score + self.bonus.of(gi, ri)
            } else {
                f64::NEG_INFINITY
            }
        };
        let cost = |row, col| self.floors.weight(row, col, real);
        let shape = (self.floors.n_rows(), self.floors.n_cols());
        // Forcing the pair forces it onto one of the rows that carry the giver's pairs.
        let loss = |row| self.solution.forced_loss_with(shape, cost, &self.options, row, ri);
        Ok(self.floors.rows_of(gi).filter_map(loss).reduce(f64::min))
    }

    /// Proves `total` optimal: checks the solver's assignment of the non-pinned people against
    /// its dual certificate, and that the pairs add up to `total`. After a sparse solve, the
    /// certificate is checked on the final arcs and the duals against every other pair, each
    /// scored again.
    ///
    /// # Errors
    /// [`CertificateError`] naming the first failed condition.
    pub fn verify(&self) -> Result<(), CertificateError> {
        match self.solver {
            Solver::Dense | Solver::Auto => {
                let t = self.tables.get().ok_or_else(|| CertificateError::Malformed("no dense problem".into()))?;
                self.solution.verify(self.floors.extend(&t.problem).view(), &self.options)?;
            }
            Solver::Sparse => {
                let (indptr, indices, costs) = csr_of(&self.arcs, self.floors.n_rows());
                let csr = Csr { n_cols: self.floors.n_cols(), indptr: &indptr, indices: &indices, costs: &costs };
                verify_sparse(&self.solution, &csr, &self.options)?;
                let (u, v) = (self.floors.giver_duals(&self.solution.row_duals), &self.solution.col_duals);
                if let Some((row, col, excess)) = self.pair_view().check_duals(&u, v) {
                    return Err(CertificateError::DualInfeasible { row, col, excess });
                }
            }
        }
        let expected = self.pinned_weight() + self.solution.objective;
        if (expected - self.solver_total).abs() > 1e-9 * (1.0 + self.solver_total.abs()) {
            return Err(CertificateError::Gap {
                primal: self.solver_total,
                what: "pins plus the solver's optimum",
                other: expected,
            });
        }
        let total: f64 = self.pairs.iter().map(|p| p.score.score).sum();
        if (total - self.total).abs() > 1e-9 * (1.0 + self.total.abs()) {
            return Err(CertificateError::Gap { primal: self.total, what: "the sum of the pair scores", other: total });
        }
        Ok(())
    }

    /// The scorer of this run: its components' names and each pair's values in that order.
    #[must_use]
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// The columns of this run's pairs table: [`PAIR_COLUMNS`] with `preference` (when it
    /// counts) and the custom criteria after the five built-in components.
    #[must_use]
    pub fn pair_columns(&self) -> Vec<&str> {
        pair_columns(self.scorer.component_names())
    }

    /// The validated cohort the result was computed on.
    #[must_use]
    pub fn cohort(&self) -> &Cohort {
        &self.cohort
    }

    /// Ids of the givers and of the receivers who took part, each sorted.
    #[must_use]
    pub fn participants(&self) -> (Vec<&str>, Vec<&str>) {
        let ids = |side: &[usize]| side.iter().map(|&i| self.cohort.people()[i].id.as_str()).collect();
        (ids(&self.givers), ids(&self.receivers))
    }
}
