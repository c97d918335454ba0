//! Group floors: at least so many people of each group of a people column matched, exactly.
//!
//! Config `[[floors]]` names a column (`by`), a side (`receiver`, the default, or `giver`) and
//! either a `rate` (each group of that column has at least `⌈rate · size⌉` of its people on that
//! side matched; a giver is matched with at least one receiver) or `min` (a count per group
//! value). The groups of one column are disjoint, and a receiver floor and a giver floor sit on
//! the two ends of the same flow, which keeps the problem a capacitated assignment:
//!
//! - a receiver group `G` gets a *dummy row* "unmatched in `G`" of capacity `size_G − floor_G`
//!   (pinned receivers count as matched), joined to every receiver of `G` at weight `C`; every
//!   real arc into a receiver of `G` gets `C` too;
//! - a giver of a giver group gets a *first-unit row* of capacity 1, a copy of its arcs at
//!   weight `+ C`, and its own row keeps the rest of its room; the group gets `size_G − floor_G`
//!   *dummy columns* "idle in `G`", each reached from first-unit rows at weight `C` (row `i` of
//!   the group reaches the columns of a band of the group's order, enough for any set of idle
//!   givers the floor allows);
//! - `C`, the coverage weight, is larger than any total of the rest of the objective, so the
//!   optimum *covers* every receiver of a group and every first-unit row if it can; the floors
//!   can be met exactly when it does, and then the optimum is the best matching that meets them.
//!
//! Rows: the givers, the receiver dummies, the first-unit rows. Columns: the receivers, the
//! giver dummies. The same solver, pricing and certificate apply. When the floors cannot be
//! met, [`FloorError`] names a group whose floor exceeds the most of its people any matching
//! reaches, or says that the floors only fail together.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use ndarray::{s, Array2};
use serde::{Deserialize, Serialize};

use crate::candidates::Pairs;
use crate::cohort::{Person, Value};
use crate::matching::{Arc, MatchError, Side};
use crate::program::ConfigError;
use crate::solve::sparse::{solve_sparse, Csr};
use crate::solve::{Assignment, SolveOptions};

/// One `[[floors]]` table of the config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// The people column whose values form the groups.
    pub by: String,
    /// Which side the floor counts: `receiver` (the default) or `giver`.
    #[serde(default = "receiver")]
    pub side: Side,
    /// Each group has at least `⌈rate · size⌉` matched (`rate` in `[0, 1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// At least this many matched in each named group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<BTreeMap<String, usize>>,
}

fn receiver() -> Side {
    Side::Receiver
}

/// Floors that no matching can meet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FloorError {
    /// A group whose floor exceeds the most of its people any matching reaches.
    #[error("floor by {by:?}: group {group:?} needs {floor} {}s matched, but at most {reach} can be", .side.name())]
    Group {
        /// The column.
        by: String,
        /// The side the floor counts.
        side: Side,
        /// The group value.
        group: String,
        /// Its floor.
        floor: usize,
        /// The most of its people matched by any matching (pins included).
        reach: usize,
    },
    /// Every group can reach its floor alone, but not all at once.
    #[error("floors by {by} cannot all be met together: at best {short} of the places they need stay empty")]
    Together {
        /// The columns, quoted.
        by: String,
        /// How many places short the best matching stays.
        short: usize,
    },
}

impl Floor {
    /// Checks a config's floors: at most one per side, `rate` or `min` (not both), `rate` in
    /// `[0, 1]`.
    ///
    /// # Errors
    /// [`ConfigError::OutOfRange`] naming the floor.
    pub fn check(floors: &[Floor]) -> Result<(), ConfigError> {
        let out = |value: String, expected| Err(ConfigError::OutOfRange { key: "floors", value, expected });
        for (i, f) in floors.iter().enumerate() {
            if let Some(first) = floors[..i].iter().find(|e| e.side == f.side) {
                // Groups of two columns overlap: floors on both are no assignment problem.
                return out(
                    format!("by {:?} and by {:?}, both side = {:?}", first.by, f.by, f.side.name()),
                    "expected at most one [[floors]] table per side (the groups of two columns overlap)",
                );
            }
            match (f.rate, &f.min) {
                (Some(rate), None) if (0.0..=1.0).contains(&rate) => {}
                (Some(rate), None) => {
                    return out(format!("rate = {rate} (by {:?})", f.by), "expected a rate from 0 to 1")
                }
                (None, Some(_)) => {}
                _ => return out(format!("by {:?}", f.by), "expected exactly one of rate and min"),
            }
        }
        Ok(())
    }
}

/// The group of each person in people column `by`, by person id: the built-in `department`,
/// or an extra column of the table ([`Person::extra`]); a person without a value is in no
/// group. `None` when the table has no such column. Numbers name their group as written
/// (`3`, `2.5`); a list or another value is a problem of the floor.
pub(crate) fn column_values(
    by: &str,
    columns: &[String],
    people: &[Person],
) -> Result<Option<BTreeMap<String, String>>, String> {
    if by == "department" {
        return Ok(Some(people.iter().map(|p| (p.id.clone(), p.department.clone())).collect()));
    }
    if !columns.iter().any(|c| c == by) && !people.iter().any(|p| p.extra.contains_key(by)) {
        return Ok(None);
    }
    let mut values = BTreeMap::new();
    for p in people {
        let name = match p.extra.get(by) {
            None => continue,
            Some(Value::Text(s)) if s.trim().is_empty() => continue,
            Some(Value::Text(s)) => s.clone(),
            Some(Value::Number(x)) if x.is_nan() => continue,
            Some(Value::Number(x)) => x.to_string(),
            Some(Value::List(_)) => return Err(format!("person '{}' has a list in column '{by}'", p.id)),
            Some(Value::Invalid(what)) => return Err(format!("person '{}' has {what} in column '{by}'", p.id)),
        };
        values.insert(p.id.clone(), name);
    }
    Ok(Some(values))
}

/// One floor of a run as results show it: its column, its side, and each group's floor (the
/// people of that side it must have matched), sorted by group.
#[derive(Clone, Debug, PartialEq)]
pub struct FloorGroups<'a> {
    /// The column.
    pub by: &'a str,
    /// The side it counts.
    pub side: Side,
    /// `(group, floor)` of each group.
    pub groups: Vec<(&'a str, usize)>,
}

/// Where a person of a floor's side stands before the solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// A pin matched them: they count as matched.
    Pinned,
    /// The solver may match them.
    Open,
    /// Nothing can match them (a giver without room): they count in the group's size only.
    Closed,
}

/// One group of a floor: its name, its floor, and its people.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub name: String,
    pub floor: usize,
    /// People of the group a pin already matched.
    pub pinned: usize,
    /// The open ones (positions in their side, sorted): the solver's to cover.
    pub members: Vec<u32>,
}

impl Group {
    fn new(name: &str) -> Group {
        Group { name: name.to_string(), floor: 0, pinned: 0, members: Vec::new() }
    }

    /// Members the floor lets stay unmatched: the group's dummy places.
    fn slack(&self) -> usize {
        (self.members.len() + self.pinned.min(self.floor)).saturating_sub(self.floor)
    }

    /// The dummy places member `i` (in the members' order) reaches: with `s` members of which
    /// `s − slack` must be matched, member `i` reaches places `i − (s − slack) ..= i`. Any set
    /// of at most `slack` members then fits the places, taking them in order (each the next
    /// free place at or after its band's start), and no member needs more.
    fn band(&self, i: usize) -> Range<usize> {
        let (slack, needed) = (self.slack(), self.members.len().saturating_sub(self.slack()));
        i.saturating_sub(needed)..(i + 1).min(slack)
    }
}

/// The groups of one floor, over its side.
#[derive(Clone, Debug)]
pub(crate) struct Groups {
    /// The column.
    pub by: String,
    pub side: Side,
    pub groups: Vec<Group>,
}

impl Groups {
    /// The groups of `floor` over one side, whose values in the column are `values` (by person
    /// id; a person without a value is in no group). `ids[i]` is the id of person `i` of the
    /// side, `standing[i]` where they stand.
    pub fn new(floor: &Floor, values: &BTreeMap<String, String>, ids: &[&str], standing: &[Standing]) -> Groups {
        let mut groups: BTreeMap<&str, (Group, usize)> = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(value) = values.get(*id) else { continue };
            let (group, size) = groups.entry(value).or_insert_with(|| (Group::new(value), 0));
            *size += 1;
            match standing[i] {
                Standing::Pinned => group.pinned += 1,
                Standing::Open => group.members.push(i as u32),
                Standing::Closed => {}
            }
        }
        for name in floor.min.iter().flat_map(BTreeMap::keys) {
            groups.entry(name).or_insert_with(|| (Group::new(name), 0));
        }
        let groups = groups
            .into_values()
            .map(|(mut g, size)| {
                // `rate · size` computed in floating point may land a hair above a whole number.
                g.floor = match (floor.rate, &floor.min) {
                    (Some(rate), _) => (rate * size as f64 - 1e-9).ceil().max(0.0) as usize,
                    (None, Some(min)) => min.get(&g.name).copied().unwrap_or(0),
                    (None, None) => 0,
                };
                g
            })
            .collect();
        Groups { by: floor.by.clone(), side: floor.side, groups }
    }

    /// The floor as results show it.
    pub fn view(&self) -> FloorGroups<'_> {
        let groups = self.groups.iter().map(|g| (g.name.as_str(), g.floor)).collect();
        FloorGroups { by: &self.by, side: self.side, groups }
    }

    /// Members in all groups.
    fn members(&self) -> usize {
        self.groups.iter().map(|g| g.members.len()).sum()
    }
}

/// The floors of one run: the extra rows and columns they add to the solver's problem (see
/// the module doc), and how that problem's rows and columns map back to the people.
#[derive(Clone, Debug)]
pub(crate) struct Floors {
    pub receiver: Option<Groups>,
    pub giver: Option<Groups>,
    /// The coverage weight `C`.
    pub weight: f64,
    n_givers: usize,
    n_receivers: usize,
    /// The capacity of every row of the problem.
    capacities: Vec<usize>,
    /// Each first-unit row: its giver, its group and its place in the group's members; sorted.
    first: Vec<(u32, u32, u32)>,
    /// The first dummy column of each giver group (after the receivers).
    idle_start: Vec<usize>,
    /// Each giver dummy column: its group and its place among the group's dummies.
    idle: Vec<(u32, u32)>,
}

impl Floors {
    /// The floors of `receiver` and `giver` groups over `room` (places left to each giver once
    /// the pins are in) and `n_receivers` receivers, with coverage weight `weight`.
    pub fn new(
        receiver: Option<Groups>,
        giver: Option<Groups>,
        weight: f64,
        room: &[usize],
        n_receivers: usize,
    ) -> Floors {
        let mut capacities = room.to_vec();
        let mut first = Vec::new();
        let (mut idle_start, mut idle) = (Vec::new(), Vec::new());
        for (gr, group) in giver.iter().flat_map(|g| &g.groups).enumerate() {
            for (i, &gi) in group.members.iter().enumerate() {
                capacities[gi as usize] -= 1;
                first.push((gi, gr as u32, i as u32));
            }
            idle_start.push(n_receivers + idle.len());
            idle.extend((0..group.slack()).map(|j| (gr as u32, j as u32)));
        }
        first.sort_unstable();
        capacities.extend(receiver.iter().flat_map(|r| &r.groups).map(Group::slack));
        capacities.extend(std::iter::repeat_n(1, first.len()));
        Floors { receiver, giver, weight, n_givers: room.len(), n_receivers, capacities, first, idle_start, idle }
    }

    pub fn is_empty(&self) -> bool {
        self.receiver.is_none() && self.giver.is_none()
    }

    /// The floors, each as its column, its side and every group's floor.
    pub fn tables(&self) -> impl Iterator<Item = &Groups> {
        self.receiver.iter().chain(&self.giver)
    }

    fn receiver_rows(&self) -> usize {
        self.receiver.as_ref().map_or(0, |r| r.groups.len())
    }

    /// Rows of the problem: givers, receiver dummies, first-unit rows.
    pub fn n_rows(&self) -> usize {
        self.capacities.len()
    }

    /// Columns of the problem: receivers, giver dummies.
    pub fn n_cols(&self) -> usize {
        self.n_receivers + self.idle.len()
    }

    /// The capacity of every row.
    pub fn capacities(&self) -> Vec<usize> {
        self.capacities.clone()
    }

    /// The first-unit row of giver `gi`, if it has one.
    fn first_row(&self, gi: usize) -> Option<usize> {
        let k = self.first.binary_search_by_key(&(gi as u32), |f| f.0).ok()?;
        Some(self.n_givers + self.receiver_rows() + k)
    }

    /// The rows that can carry giver `gi`'s pairs: its own (when it kept room) and its
    /// first-unit row.
    pub fn rows_of(&self, gi: usize) -> impl Iterator<Item = usize> + '_ {
        let own = Some(gi).filter(|&gi| self.capacities[gi] > 0);
        own.into_iter().chain(self.first_row(gi))
    }

    /// The giver and receiver of a row and column of the problem that pair two people.
    fn real(&self, row: usize, col: usize) -> Option<(usize, usize)> {
        if col >= self.n_receivers {
            return None;
        }
        let first = self.n_givers + self.receiver_rows();
        match row {
            _ if row < self.n_givers => Some((row, col)),
            _ if row >= first => Some((self.first[row - first].0 as usize, col)),
            _ => None,
        }
    }

    /// The pairs of people among `solved` (rows and columns of the problem), sorted.
    pub fn real_pairs(&self, solved: &Assignment) -> Vec<(usize, usize)> {
        let mut pairs: Vec<(usize, usize)> = solved.pairs().into_iter().filter_map(|(i, j)| self.real(i, j)).collect();
        pairs.sort_unstable();
        pairs
    }

    /// The weight of `row` → `col` in the problem, with `real(gi, ri)` the weight of an open
    /// pair of people (`-inf` for a forbidden one).
    pub fn weight(&self, row: usize, col: usize, real: impl Fn(usize, usize) -> f64) -> f64 {
        let (n, m, first) = (self.n_givers, self.n_receivers, self.n_givers + self.receiver_rows());
        if row < n {
            return if col < m && self.capacities[row] > 0 { real(row, col) } else { f64::NEG_INFINITY };
        }
        if row < first {
            let group = &self.receiver.as_ref().expect("receiver dummies").groups[row - n];
            let member = col < m && group.members.binary_search(&(col as u32)).is_ok();
            return if member { self.weight } else { f64::NEG_INFINITY };
        }
        let (gi, gr, i) = self.first[row - first];
        if col < m {
            return real(gi as usize, col) + self.weight;
        }
        let (idle_group, j) = self.idle[col - m];
        let group = &self.giver.as_ref().expect("giver dummies").groups[gr as usize];
        if idle_group == gr && group.band(i as usize).contains(&(j as usize)) {
            self.weight
        } else {
            f64::NEG_INFINITY
        }
    }

    /// The dense problem with the floors' rows and columns, from the givers × receivers one.
    pub fn extend<'a>(&self, problem: &'a Array2<f64>) -> Cow<'a, Array2<f64>> {
        if self.is_empty() {
            return Cow::Borrowed(problem);
        }
        let (n, m) = problem.dim();
        let mut out = Array2::from_elem((self.n_rows(), self.n_cols()), f64::NEG_INFINITY);
        out.slice_mut(s![..n, ..m]).assign(problem);
        for gi in (0..n).filter(|&gi| self.capacities[gi] == 0) {
            out.slice_mut(s![gi, ..]).fill(f64::NEG_INFINITY);
        }
        for &(gi, ..) in &self.first {
            let row = self.first_row(gi as usize).expect("a first-unit row");
            for ri in 0..m {
                out[[row, ri]] = problem[[gi as usize, ri]] + self.weight;
            }
        }
        for (row, col, weight) in self.dummy_arcs() {
            out[[row as usize, col as usize]] = weight;
        }
        Cow::Owned(out)
    }

    /// The arcs of the dummy rows and columns.
    fn dummy_arcs(&self) -> impl Iterator<Item = Arc> + '_ {
        let n = self.n_givers as u32;
        let receiver_rows = self.receiver.iter().flat_map(|r| &r.groups).enumerate();
        let receiver =
            receiver_rows.flat_map(move |(d, g)| g.members.iter().map(move |&ri| (n + d as u32, ri, self.weight)));
        let giver = self.first.iter().flat_map(move |&(gi, gr, i)| {
            let row = self.first_row(gi as usize).expect("a first-unit row") as u32;
            let group = &self.giver.as_ref().expect("giver dummies").groups[gr as usize];
            let start = self.idle_start[gr as usize];
            group.band(i as usize).map(move |j| (row, (start + j) as u32, self.weight))
        });
        receiver.chain(giver)
    }

    /// The arcs of the problem that carry the open pair `(gi, ri, weight)`: on the giver's own
    /// row (when it kept room) and on its first-unit row.
    fn carriers(&self, (gi, ri, weight): Arc) -> impl Iterator<Item = Arc> + '_ {
        self.rows_of(gi as usize).map(move |row| {
            let extra = if row == gi as usize { 0.0 } else { self.weight };
            (row as u32, ri, weight + extra)
        })
    }

    /// The problem's arcs for the open pairs `pairs`, with the dummies' arcs, sorted.
    pub fn arcs(&self, pairs: &[Arc]) -> Vec<Arc> {
        let mut arcs: Vec<Arc> = pairs.iter().flat_map(|&a| self.carriers(a)).chain(self.dummy_arcs()).collect();
        arcs.sort_by_key(|a| (a.0, a.1));
        arcs
    }

    /// The problem's arcs for more open pairs `(gi, ri, weight)`.
    pub fn more_arcs(&self, pairs: &[(usize, usize, f64)]) -> Vec<Arc> {
        pairs.iter().flat_map(|&(gi, ri, w)| self.carriers((gi as u32, ri as u32, w))).collect()
    }

    /// Each giver's potential against its open pairs, from the problem's row potentials `u`:
    /// a pair `(gi, ri)` of weight `w` satisfies both its arcs exactly when
    /// `giver(gi) + v[ri] ≥ w` (the first-unit arc weighs `w + C`).
    pub fn giver_duals<'a>(&self, u: &'a [f64]) -> Cow<'a, [f64]> {
        if self.first.is_empty() {
            return Cow::Borrowed(&u[..self.n_givers]);
        }
        let mut out = u[..self.n_givers].to_vec();
        for &(gi, ..) in &self.first {
            let gi = gi as usize;
            let first = u[self.first_row(gi).expect("a first-unit row")] - self.weight;
            out[gi] = if self.capacities[gi] > 0 { out[gi].min(first) } else { first };
        }
        Cow::Owned(out)
    }

    /// Whether a group's floor exceeds its people who can still be matched (no matching meets it).
    pub fn over_size(&self) -> bool {
        self.tables().flat_map(|t| &t.groups).any(|g| g.floor > g.members.len() + g.pinned)
    }

    /// How many members the optimum `solved` left uncovered (0 when the floors hold).
    pub fn uncovered(&self, solved: &Assignment) -> usize {
        let mut member = vec![false; self.n_receivers];
        for g in self.receiver.iter().flat_map(|r| &r.groups) {
            for &ri in &g.members {
                member[ri as usize] = true;
            }
        }
        let first = self.n_givers + self.receiver_rows();
        let covered_receivers = solved.cols.iter().filter(|&&j| j < self.n_receivers && member[j]).count();
        let covered_givers = solved.rows.iter().filter(|&&i| i >= first).count();
        let members = self.tables().map(Groups::members).sum::<usize>();
        members - covered_receivers - covered_givers
    }

    /// Why the floors cannot be met, once the optimum left `short` members uncovered: the
    /// first group (receivers first, then by name) that cannot reach its floor even alone,
    /// else that they fail together.
    pub fn infeasible(&self, pairs: &Pairs<'_>, short: usize) -> Result<MatchError, MatchError> {
        for t in self.tables() {
            for g in t.groups.iter().filter(|g| g.floor > g.pinned) {
                let reach = g.pinned + reach(pairs, t.side, &g.members)?;
                if reach < g.floor {
                    let (by, side, group, floor) = (t.by.clone(), t.side, g.name.clone(), g.floor);
                    return Ok(FloorError::Group { by, side, group, floor, reach }.into());
                }
            }
        }
        let by: Vec<String> = self.tables().map(|t| format!("{:?}", t.by)).collect();
        Ok(FloorError::Together { by: by.join(" and "), short }.into())
    }
}

/// The most of `members` (positions in `side`) that any matching matches: a maximum-cardinality
/// matching of the allowed pairs, into those receivers or out of those givers (one pair each
/// counts), solved exactly.
fn reach(pairs: &Pairs<'_>, side: Side, members: &[u32]) -> Result<usize, MatchError> {
    let all_receivers: Vec<u32> = (0..pairs.receivers.len() as u32).collect();
    let (rows, cols, capacities): (Vec<usize>, &[u32], Vec<usize>) = match side {
        Side::Receiver => ((0..pairs.givers.len()).collect(), members, pairs.room.to_vec()),
        Side::Giver => (members.iter().map(|&gi| gi as usize).collect(), &all_receivers, vec![1; members.len()]),
    };
    let mut indptr = vec![0];
    let mut indices = Vec::new();
    for &gi in &rows {
        if pairs.room[gi] > 0 {
            indices.extend(cols.iter().map(|&ri| ri as usize).filter(|&ri| pairs.pair(gi, ri).1.is_none()));
        }
        indptr.push(indices.len());
    }
    let costs = vec![1.0; indices.len()];
    let csr = Csr { n_cols: pairs.receivers.len(), indptr: &indptr, indices: &indices, costs: &costs };
    let options = SolveOptions { maximize: true, capacities: Some(capacities), allow_unmatched: true };
    Ok(solve_sparse(&csr, &options)?.rows.len())
}
