//! The solver against exhaustive search on every small shape, with ties, forbidden pairs,
//! capacities and the unmatched-allowed mode; every answer is also checked by its certificate.

use ndarray::Array2;
use pairwell_core::solve::{solve, SolveError, SolveOptions};
use proptest::prelude::*;

/// Best objective over all assignments (`None` when no complete one exists), by trying every
/// column, or none, for each row copy in turn.
fn brute(cost: &Array2<f64>, options: &SolveOptions) -> Option<f64> {
    let (n, m) = cost.dim();
    let caps = options.capacities.clone().unwrap_or_else(|| vec![1; n]);
    let copies: Vec<usize> = caps.iter().enumerate().flat_map(|(r, &k)| std::iter::repeat_n(r, k)).collect();
    let need = copies.len().min(m);
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let mut best: Option<f64> = None;
    let mut used = vec![false; m];
    #[allow(clippy::too_many_arguments)]
    fn rec(
        k: usize,
        copies: &[usize],
        cost: &Array2<f64>,
        used: &mut [bool],
        count: usize,
        total: f64,
        need: usize,
        unmatched: bool,
        sign: f64,
        best: &mut Option<f64>,
        prev_col: &mut Vec<usize>,
    ) {
        if k == copies.len() {
            if (unmatched || count == need) && best.is_none_or(|b| sign * total < sign * b) {
                *best = Some(total);
            }
            return;
        }
        let row = copies[k];
        // Copies of one row take increasing columns, so each set of columns is tried once.
        let start = if k > 0 && copies[k - 1] == row { prev_col[k - 1].wrapping_add(1) } else { 0 };
        for j in start..cost.ncols() {
            let c = cost[[row, j]];
            if !used[j] && c.is_finite() {
                used[j] = true;
                prev_col[k] = j;
                rec(k + 1, copies, cost, used, count + 1, total + c, need, unmatched, sign, best, prev_col);
                used[j] = false;
            }
        }
        prev_col[k] = if k > 0 && copies[k - 1] == row { prev_col[k - 1] } else { usize::MAX };
        rec(k + 1, copies, cost, used, count, total, need, unmatched, sign, best, prev_col);
    }
    let mut prev = vec![usize::MAX; copies.len()];
    rec(0, &copies, cost, &mut used, 0, 0.0, need, options.allow_unmatched, sign, &mut best, &mut prev);
    best
}

/// The solver finds the brute-force optimum (or reports infeasibility exactly when there is
/// none) and its certificate holds.
fn agrees_with_brute_force(cost: &Array2<f64>, options: &SolveOptions) -> Result<(), TestCaseError> {
    let expected = brute(cost, options);
    match solve(cost.view(), options) {
        Ok(a) => {
            prop_assert_eq!(Some(a.objective), expected, "{:?}", a);
            a.verify(cost.view(), options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        Err(SolveError::Infeasible { .. }) => prop_assert_eq!(expected, None),
        Err(e) => prop_assert!(false, "unexpected error {e}"),
    }
    Ok(())
}

fn case() -> impl Strategy<Value = (Array2<f64>, SolveOptions)> {
    (1usize..=5, 1usize..=5, 0u32..4, any::<bool>(), any::<bool>(), any::<bool>()).prop_flat_map(
        |(n, m, levels_pow, maximize, use_caps, unmatched)| {
            // Few distinct values force ties; a slot value of 99 becomes a forbidden pair.
            let levels = [3i32, 6, 20, 1000][levels_pow as usize];
            let cells = proptest::collection::vec(prop_oneof![9 => -levels..levels, 1 => Just(99)], n * m);
            let caps = proptest::collection::vec(0usize..=3, n);
            (cells, caps).prop_map(move |(cells, caps)| {
                let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
                let cost = Array2::from_shape_vec(
                    (n, m),
                    cells.iter().map(|&c| if c == 99 { forbidden } else { f64::from(c) }).collect(),
                )
                .unwrap();
                let capacities = use_caps.then_some(caps);
                (cost, SolveOptions { maximize, capacities, allow_unmatched: unmatched })
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn matches_brute_force((cost, options) in case()) {
        agrees_with_brute_force(&cost, &options)?;
    }
}

/// Forcing a pair, by brute force: the best objective among assignments that contain it.
fn brute_forced(cost: &Array2<f64>, options: &SolveOptions, row: usize, col: usize) -> Option<f64> {
    let mut rest = cost.clone();
    let forbidden = if options.maximize { f64::NEG_INFINITY } else { f64::INFINITY };
    rest.column_mut(col).fill(forbidden);
    let mut caps = options.capacities.clone().unwrap_or_else(|| vec![1; cost.nrows()]);
    caps[row] = caps[row].checked_sub(1)?;
    let reduced = SolveOptions { capacities: Some(caps), ..options.clone() };
    brute(&rest, &reduced).map(|best| best + cost[[row, col]])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    #[test]
    fn forced_loss_matches_brute_force((cost, options) in case()) {
        let options = SolveOptions { allow_unmatched: true, ..options };
        let a = solve(cost.view(), &options).unwrap();
        for row in 0..cost.nrows() {
            for col in 0..cost.ncols() {
                let loss = a.forced_loss(cost.view(), &options, row, col);
                let expected = if cost[[row, col]].is_finite() {
                    brute_forced(&cost, &options, row, col).map(|f| (a.objective - f).abs())
                } else {
                    None
                };
                match (loss, expected) {
                    (Some(l), Some(e)) => prop_assert!((l - e).abs() < 1e-9, "pair ({row}, {col}): {l} vs {e}"),
                    (l, e) => prop_assert_eq!(l, e, "pair ({}, {})", row, col),
                }
            }
        }
    }
}

/// Every shape up to 7 × 7 without capacities (the brute force above grows too fast with
/// capacities to go that far): ties, forbidden pairs, both senses, both modes.
fn plain_case() -> impl Strategy<Value = (Array2<f64>, SolveOptions)> {
    (1usize..=7, 1usize..=7, any::<bool>(), any::<bool>()).prop_flat_map(|(n, m, maximize, unmatched)| {
        let cells = proptest::collection::vec(prop_oneof![9 => -4i32..4, 1 => Just(99)], n * m);
        cells.prop_map(move |cells| {
            let forbidden = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
            let values = cells.iter().map(|&c| if c == 99 { forbidden } else { f64::from(c) }).collect();
            let cost = Array2::from_shape_vec((n, m), values).unwrap();
            (cost, SolveOptions { maximize, capacities: None, allow_unmatched: unmatched })
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn matches_brute_force_up_to_seven((cost, options) in plain_case()) {
        agrees_with_brute_force(&cost, &options)?;
    }
}
