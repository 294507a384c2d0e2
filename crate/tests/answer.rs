//! A written prompt (`Session::answer`): what the model and the baselines answer at each query
//! equals what an evaluation computes for the same prompt by its own path, and bad prompts are
//! errors naming the row.
#![cfg(not(target_family = "wasm"))]

use iclab::Session;
use iclab::device::DeviceChoice;
use iclab::icl::answer::AnswerConfig;
use iclab::icl::baselines::BaselineKind;
use iclab::icl::config::SessionConfig;
use iclab::icl::evaluate::EvalConfig;

fn session() -> Session {
    let config = SessionConfig {
        dims: 2,
        points: 9,
        layers: Some(2),
        d_model: Some(32),
        heads: Some(2),
        device: DeviceChoice::Cpu,
        seed: 3,
        ..SessionConfig::default()
    };
    pollster::block_on(async {
        let mut session = Session::new(config).await.expect("session");
        session.train(20).await.expect("train");
        session
    })
}

/// An evaluation's single-prompt view predicts position k from the k examples before it; the
/// same examples written as a prompt, with position k as the query, must get the same answers
/// from the model (up to f32 rounding) and from every deterministic baseline.
#[test]
fn a_written_prompt_is_answered_as_an_evaluation_answers_it() {
    let session = session();
    pollster::block_on(async {
        let kinds = vec![
            BaselineKind::LeastSquares,
            BaselineKind::Knn,
            BaselineKind::Averaging,
            BaselineKind::Tree,
        ];
        let eval = EvalConfig {
            prompts: 1,
            examples: 1,
            baselines: kinds.clone(),
            seed: Some(11),
            ..Default::default()
        };
        let result = session.evaluate(&eval).await.expect("evaluate");
        let example = &result.examples[0];
        for k in [0, 1, 4, 8] {
            let prompt = AnswerConfig {
                examples: (0..k)
                    .map(|i| {
                        let mut row = example.xs[i].clone();
                        row.push(example.targets[i]);
                        row
                    })
                    .collect(),
                queries: vec![example.xs[k].clone()],
                baselines: Some(kinds.clone()),
                ..Default::default()
            };
            let answer = session.answer(&prompt).await.expect("answer");
            let model = example.predictions["model"][k];
            assert!(
                (answer.model[0] - model).abs() <= 1e-4 * (1.0 + model.abs()),
                "k = {k}: answered {} vs evaluated {model}",
                answer.model[0]
            );
            for kind in &kinds {
                let (mine, theirs) = (
                    answer.baselines[kind.name()][0],
                    example.predictions[kind.name()][k],
                );
                assert!(
                    (mine - theirs).abs() <= 1e-9 * (1.0 + theirs.abs()),
                    "k = {k}, {}: {mine} vs {theirs}",
                    kind.name()
                );
            }
            assert_eq!(answer.examples.len(), k);
        }
    });
}

/// A pasted table is read by the core; its errors name the row and change nothing.
#[test]
fn a_pasted_table_is_answered_and_a_bad_one_named() {
    let session = session();
    pollster::block_on(async {
        let table = "x1,x2,y\n1,0,2\n0,1,-1\n1,1\n5,0\n";
        let answer = session
            .answer(&AnswerConfig {
                table: Some(table.into()),
                ..Default::default()
            })
            .await
            .expect("answer");
        assert_eq!(answer.examples.len(), 2);
        assert_eq!(answer.model.len(), 2);
        // the class's reference baselines by default; least squares recovers w = (2, -1)
        let ls = &answer.baselines["least_squares"];
        assert!(
            (ls[0] - 1.0).abs() < 1e-9 && (ls[1] - 10.0).abs() < 1e-9,
            "{ls:?}"
        );
        assert_eq!(answer.outside, vec![false, true]);
        let error = session
            .answer(&AnswerConfig {
                table: Some("1,0,2\n0,one,-1\n1,1".into()),
                ..Default::default()
            })
            .await
            .expect_err("bad cell");
        assert_eq!(error.field(), Some("table"));
        assert!(error.to_string().contains("row 2, column 2"), "{error}");
        let error = session
            .answer(&AnswerConfig {
                examples: vec![vec![0.0, 0.0, 1.0]; 9],
                queries: vec![vec![0.0, 0.0]],
                ..Default::default()
            })
            .await
            .expect_err("too many examples");
        assert_eq!(error.field(), Some("examples"));
    });
}
