//! Group floors: at least so many receivers of each group of a people column matched, exactly.
//!
//! Config `[[floors]]` names a column (`by`) and either a `rate` (each group of that column has
//! at least `⌈rate · size⌉` receivers matched) or `min` (a count per group value). The groups of
//! one column are disjoint, which keeps the problem a capacitated assignment:
//!
//! - each group `g` gets a *dummy giver* "unmatched in `g`" of capacity `size_g − floor_g`
//!   (pinned receivers count as matched), joined to every receiver of `g` by an arc of score 0;
//! - every arc, real or dummy, gets the coverage bonus `C`, larger than any total of the rest of
//!   the objective, so the optimum *covers* as many receivers as possible first;
//! - the floors can be met exactly when every receiver is covered (by a real giver, or by its
//!   group's dummy, which has room for all but `floor_g` of them), and then the optimum is the
//!   best matching that meets them.
//!
//! The dummies are extra rows of the solver's problem, after the real givers: the dense table
//! and the candidate graph grow by one row per group, and the same solver, pricing and
//! certificate apply. When the floors cannot be met, [`FloorError`] names a group whose floor
//! exceeds the most receivers of that group any matching reaches, or says that the floors only
//! fail together.

use std::collections::BTreeMap;

use ndarray::{s, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::candidates::Pairs;
use crate::cohort::{Person, Value};
use crate::matching::{MatchError, Side};
use crate::program::ConfigError;
use crate::solve::sparse::{solve_sparse, Csr};
use crate::solve::SolveOptions;

/// One `[[floors]]` table of the config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// The people column whose values form the groups.
    pub by: String,
    /// Which side the floor counts (only `receiver` so far, the default).
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
    /// A group whose floor exceeds the most of its receivers any matching reaches.
    #[error("floor by {by:?}: group {group:?} needs {floor} receivers matched, but at most {reach} can be")]
    Group {
        /// The column.
        by: String,
        /// The group value.
        group: String,
        /// Its floor.
        floor: usize,
        /// The most of its receivers matched by any matching (pins included).
        reach: usize,
    },
    /// Every group can reach its floor alone, but not all at once.
    #[error("floors by {by:?} cannot all be met together: at best {short} of the places they need stay empty")]
    Together {
        /// The column.
        by: String,
        /// How many places short the best matching stays.
        short: usize,
    },
}

impl Floor {
    /// Checks a config's floors: one per side, `rate` or `min` (not both), `rate` in `[0, 1]`,
    /// receiver side only.
    ///
    /// # Errors
    /// [`ConfigError::OutOfRange`] naming the floor.
    pub fn check(floors: &[Floor]) -> Result<(), ConfigError> {
        let out = |value: String, expected| Err(ConfigError::OutOfRange { key: "floors", value, expected });
        if floors.len() > 1 {
            return out(format!("{} tables", floors.len()), "expected at most one [[floors]] table per side");
        }
        for f in floors {
            if f.side != Side::Receiver {
                return out(
                    format!("side = {:?}", f.side.name()),
                    "expected side = \"receiver\" (the only side so far)",
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

/// One group of a floor: its name, its floor, and its receivers.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub name: String,
    pub floor: usize,
    /// Receivers of the group that a pin already matched.
    pub pinned: usize,
    /// The others (positions in the receivers, sorted): the solver's to cover.
    pub members: Vec<u32>,
}

/// The dummy givers of a floor: one row per group after the real givers.
#[derive(Clone, Debug)]
pub(crate) struct Dummies {
    /// The column.
    pub by: String,
    pub groups: Vec<Group>,
    /// The coverage bonus: the weight of every dummy arc, added to every real one too.
    pub weight: f64,
}

impl Dummies {
    /// The groups of `floor` over the receivers, whose values in the column are `values` (by
    /// person id; a receiver without a value is in no group). `receiver_ids[ri]` is the id of
    /// receiver `ri`; `receiver_free[ri]` is false where a pin matched them.
    pub fn new(
        floor: &Floor,
        values: &BTreeMap<String, String>,
        receiver_ids: &[&str],
        receiver_free: &[bool],
    ) -> Dummies {
        let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
        for (ri, id) in receiver_ids.iter().enumerate() {
            let Some(value) = values.get(*id) else { continue };
            let group = groups.entry(value).or_insert_with(|| Group {
                name: value.clone(),
                floor: 0,
                pinned: 0,
                members: Vec::new(),
            });
            if receiver_free[ri] {
                group.members.push(ri as u32);
            } else {
                group.pinned += 1;
            }
        }
        if let Some(min) = &floor.min {
            for name in min.keys() {
                groups.entry(name).or_insert_with(|| Group {
                    name: name.clone(),
                    floor: 0,
                    pinned: 0,
                    members: Vec::new(),
                });
            }
        }
        let mut groups: Vec<Group> = groups.into_values().collect();
        for g in &mut groups {
            let size = g.members.len() + g.pinned;
            // `rate · size` computed in floating point may land a hair above a whole number.
            g.floor = match (floor.rate, &floor.min) {
                (Some(rate), _) => (rate * size as f64 - 1e-9).ceil().max(0.0) as usize,
                (None, Some(min)) => min.get(&g.name).copied().unwrap_or(0),
                (None, None) => 0,
            };
        }
        Dummies { by: floor.by.clone(), groups, weight: 0.0 }
    }

    /// Whether a group's floor exceeds its size (no matching meets it).
    pub fn over_size(&self) -> bool {
        self.groups.iter().any(|g| g.floor > g.members.len() + g.pinned)
    }

    /// Number of dummy rows.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Capacity of each dummy row: the group's receivers the floor lets stay unmatched.
    pub fn capacities(&self) -> impl Iterator<Item = usize> + '_ {
        self.groups.iter().map(|g| (g.members.len() + g.pinned.min(g.floor)).saturating_sub(g.floor))
    }

    /// Weight of dummy row `d` → receiver `ri`: the coverage bonus for a member, else `-inf`.
    pub fn cost(&self, d: usize, ri: usize) -> f64 {
        if self.groups[d].members.binary_search(&(ri as u32)).is_ok() {
            self.weight
        } else {
            f64::NEG_INFINITY
        }
    }

    /// The dense problem with the dummy rows appended.
    pub fn extend(&self, problem: ArrayView2<'_, f64>) -> Array2<f64> {
        let (n, m) = problem.dim();
        let mut out = Array2::from_elem((n + self.len(), m), f64::NEG_INFINITY);
        out.slice_mut(s![..n, ..]).assign(&problem);
        for (d, g) in self.groups.iter().enumerate() {
            for &ri in &g.members {
                out[[n + d, ri as usize]] = self.weight;
            }
        }
        out
    }

    /// The dummy arcs `(row, receiver, weight)`, rows numbered from `n_givers`.
    pub fn arcs(&self, n_givers: usize) -> impl Iterator<Item = (u32, u32, f64)> + '_ {
        self.groups
            .iter()
            .enumerate()
            .flat_map(move |(d, g)| g.members.iter().map(move |&ri| ((n_givers + d) as u32, ri, self.weight)))
    }

    /// Why the floors cannot be met, once the optimum left `short` receivers uncovered: the
    /// first group (by name) that cannot reach its floor even alone, else that they fail
    /// together.
    pub fn infeasible(&self, pairs: &Pairs<'_>, short: usize) -> Result<MatchError, MatchError> {
        for g in self.groups.iter().filter(|g| g.floor > g.pinned) {
            let reach = g.pinned + reach(pairs, &g.members)?;
            if reach < g.floor {
                return Ok(
                    FloorError::Group { by: self.by.clone(), group: g.name.clone(), floor: g.floor, reach }.into()
                );
            }
        }
        Ok(FloorError::Together { by: self.by.clone(), short }.into())
    }
}

/// The most of `members` (receiver positions) that any matching pairs: a maximum-cardinality
/// matching of the allowed pairs into them, solved exactly.
fn reach(pairs: &Pairs<'_>, members: &[u32]) -> Result<usize, MatchError> {
    let mut indptr = vec![0];
    let mut indices = Vec::new();
    for gi in 0..pairs.givers.len() {
        if pairs.room[gi] > 0 {
            indices.extend(members.iter().map(|&ri| ri as usize).filter(|&ri| pairs.pair(gi, ri).1.is_none()));
        }
        indptr.push(indices.len());
    }
    let costs = vec![1.0; indices.len()];
    let csr = Csr { n_cols: pairs.receivers.len(), indptr: &indptr, indices: &indices, costs: &costs };
    let options = SolveOptions { maximize: true, capacities: Some(pairs.room.to_vec()), allow_unmatched: true };
    Ok(solve_sparse(&csr, &options)?.rows.len())
}
