//! Value axes: from zero to a round number above the largest value, in round steps.

/// Ticks from 0 to at least `max`, about `target` of them, in steps of 1, 2, 2.5 or 5 × 10ⁿ
/// (never below 1: counts are whole).
pub fn ticks(max: f64, target: usize) -> Vec<f64> {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let rough = max / target.max(1) as f64;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step =
        [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|f| f * magnitude).find(|step| *step >= rough).unwrap_or(10.0 * magnitude);
    // 2.5 steps only where they stay whole.
    let step = if step < 1.0 {
        1.0
    } else if step.fract() != 0.0 {
        step * 2.0
    } else {
        step
    };
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        assert_eq!(ticks(4.0, 5), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks(9.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(47.0, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(ticks(120.0, 5), vec![0.0, 25.0, 50.0, 75.0, 100.0, 125.0]);
        assert_eq!(ticks(1.0, 5), vec![0.0, 1.0]);
        assert_eq!(ticks(0.0, 5), vec![0.0, 1.0]);
        assert_eq!(ticks(98_765.0, 5), vec![0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0]);
    }
}
