use super::*;

/// A point at fraction t between dMMSE and ridge `span` apart, `off` off the line.
fn at(t: f64, span: f64, off: f64) -> Position {
    Position::of(t * t * span + off, (1.0 - t) * (1.0 - t) * span + off, span).expect("span")
}

#[test]
fn the_projection_recovers_a_constructed_position() {
    let p = at(0.3, 0.5, 0.02);
    assert!((p.fraction - 0.3).abs() < 1e-12, "{p:?}");
    assert!((p.off_line - 0.02).abs() < 1e-12);
    assert!(Position::of(0.1, 0.1, 0.0).is_none(), "no yardstick");
    // beyond ridge: t > 1
    assert!(at(1.2, 0.1, 0.0).fraction > 1.0);
}

fn run(m: u32, seed: u32, steps: u32, t: f64) -> SweepRun {
    let p = at(t, 0.4, 0.01);
    let standing = Standing {
        error: 0.5,
        dmmse_error: Some(0.4),
        ridge_error: 0.45,
        distance_dmmse: Some(p.to_dmmse),
        distance_ridge: p.to_ridge,
        position: Some(p),
    };
    SweepRun {
        task_pool: Some(m),
        seed,
        steps,
        decay_steps: steps,
        final_loss: 0.5,
        wall_seconds: 1.0,
        pool: None,
        fresh: standing,
        checkpoint: None,
    }
}

fn sweep(ts: &[(u32, [f64; 3])], steps: u32) -> Vec<SweepRun> {
    ts.iter()
        .flat_map(|(m, t)| (0..3).map(move |s| run(*m, s, steps, t[s as usize])))
        .collect()
}

#[test]
fn a_clean_switch_between_neighbours_is_decided() {
    let runs = sweep(
        &[
            (1, [0.0, 0.02, 0.01]),
            (8, [0.1, 0.15, 0.12]),
            (16, [0.85, 0.9, 0.88]),
            (64, [0.95, 0.97, 0.96]),
        ],
        6000,
    );
    let f = DiversityFindings::of(&runs);
    let c = &f.crossovers[0];
    assert_eq!(
        (c.below, c.from, c.decided, c.switch),
        (Some(8), Some(16), true, true)
    );
    assert!(
        c.statement
            .contains("between M = 8 and M = 16 after 6,000 steps (3 seeds)")
    );
    assert!(c.statement.contains("a switch"), "{}", c.statement);
    // the yardstick (0.4) is long against the model's distance off the line (0.01)
    assert!(!c.statement.contains("short yardstick"), "{}", c.statement);
}

#[test]
fn a_short_yardstick_at_the_largest_m_is_named() {
    let mut runs = sweep(&[(1, [0.0, 0.02, 0.01]), (16, [0.85, 0.9, 0.88])], 6000);
    for (seed, t) in [0.86, 0.9, 0.88].into_iter().enumerate() {
        let mut r = run(1024, seed as u32, 6000, t);
        let p = at(t, 0.03, 0.025);
        r.fresh.distance_dmmse = Some(p.to_dmmse);
        r.fresh.distance_ridge = p.to_ridge;
        r.fresh.position = Some(p);
        runs.push(r);
    }
    let c = &DiversityFindings::of(&runs).crossovers[0];
    assert!(
        c.statement.contains(
            "At M = 1024, where the model sits at 0.88 (0.86–0.90), dMMSE and ridge are only 0.030 apart, less than twice the model's 0.025 off the line"
        ),
        "{}",
        c.statement
    );
}

#[test]
fn a_gradual_crossover_is_not_called_a_switch() {
    let runs = sweep(
        &[
            (4, [0.2, 0.25, 0.22]),
            (8, [0.38, 0.42, 0.4]),
            (16, [0.6, 0.64, 0.62]),
            (32, [0.8, 0.84, 0.82]),
        ],
        6000,
    );
    let c = &DiversityFindings::of(&runs).crossovers[0];
    assert_eq!(
        (c.below, c.from, c.decided, c.switch),
        (Some(8), Some(16), true, false)
    );
    assert!(
        c.statement.contains("a gradual crossover, not a switch"),
        "{}",
        c.statement
    );
}

#[test]
fn seeds_straddling_the_midpoint_cannot_say() {
    let runs = sweep(
        &[
            (4, [0.1, 0.12, 0.11]),
            (8, [0.35, 0.6, 0.45]),
            (16, [0.8, 0.85, 0.9]),
        ],
        6000,
    );
    let f = DiversityFindings::of(&runs);
    let eight = f.cells.iter().find(|c| c.task_pool == 8).expect("M = 8");
    assert_eq!(eight.side, None);
    let c = &f.crossovers[0];
    assert!(!c.decided);
    assert!(
        c.statement
            .contains("between them the seeds cannot say (M = 8: 0.47"),
        "{}",
        c.statement
    );
    assert!(
        !c.switch && c.statement.contains("a gradual crossover"),
        "{}",
        c.statement
    );
    // one seed: no noise estimate, nothing decided
    let one: Vec<SweepRun> = runs.into_iter().filter(|r| r.seed == 0).collect();
    assert!(
        DiversityFindings::of(&one)
            .cells
            .iter()
            .all(|c| c.side.is_none())
    );
}

#[test]
fn longer_training_moves_only_when_every_seed_moves_past_their_spread() {
    let mut runs = sweep(
        &[
            (16, [0.5, 0.6, 0.55]),
            (32, [0.7, 0.75, 0.72]),
            (64, [0.7, 0.9, 0.8]),
        ],
        6000,
    );
    // M = 16: every seed up by 0.3; M = 32: the seeds disagree; M = 64: every seed down by
    // 0.08–0.1, less than the 0.2 between seeds, but the same way and far past the 0.01
    // spread of the changes
    runs.extend(sweep(
        &[
            (16, [0.85, 0.9, 0.88]),
            (32, [0.71, 0.77, 0.7]),
            (64, [0.62, 0.8, 0.71]),
        ],
        24000,
    ));
    let f = DiversityFindings::of(&runs);
    assert_eq!(f.longer.len(), 3);
    let (m16, m32, m64) = (&f.longer[0], &f.longer[1], &f.longer[2]);
    assert_eq!((m16.task_pool, m16.longer_steps), (16, 24000));
    assert!(
        m16.evidence.decided
            && m16
                .statement
                .contains("moved the model toward ridge in every seed"),
        "{}",
        m16.statement
    );
    assert!(
        !m32.evidence.decided && m32.statement.contains("not all the same way"),
        "{}",
        m32.statement
    );
    assert!(
        m64.evidence.decided
            && m64
                .statement
                .contains("toward dMMSE in every seed (3 seeds, each with its own pool; changes -0.10 to -0.08)"),
        "{}",
        m64.statement
    );
    // one seed at the longer length: no noise estimate, nothing decided
    let one: Vec<SweepRun> = runs
        .iter()
        .filter(|r| r.steps == 6000 || r.seed == 0)
        .cloned()
        .collect();
    let single = DiversityFindings::of(&one);
    assert!(single.longer.iter().all(|m| !m.evidence.decided));
    assert!(
        single.longer[0].statement.contains("fewer than two seeds"),
        "{}",
        single.longer[0].statement
    );
    assert_eq!(f.crossovers.len(), 2);
    // at the longer length only 16 and 32 were trained: the sentence says what is there
    assert!(
        f.crossovers[1].statement.contains(
            "on ridge's side from M = 16 on after 24,000 steps (3 seeds); no smaller M trained this long is on dMMSE's side (none was)"
        ),
        "{}",
        f.crossovers[1].statement
    );
}
