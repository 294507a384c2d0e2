//! The generated TypeScript and the catalog copy must match the Rust schema; and the catalog
//! must agree with validation.

use std::path::PathBuf;

use ts_rs::TS;

use super::*;
use crate::continual::digits::DigitsConfig;
use crate::continual::run::{ClConfig, DataConfig};
use crate::continual::two_d::TwoDConfig;

/// `web/src/generated/<name>` from the crate.
fn generated(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../web/src/generated")
        .join(name)
}

const HEADER: &str = "// Generated from the Rust schema by crate/src/catalog/tests.rs (`npm run generate`); do not edit.\n";

/// One exported declaration with its doc comment, an object type's fields one per line.
fn declaration<T: TS + 'static + ?Sized>(cfg: &ts_rs::Config) -> String {
    format_declaration(T::docs(), T::decl(cfg))
}

fn format_declaration(docs: Option<String>, decl: String) -> String {
    let docs = docs
        .map(|d| format!("{}\n", d.trim_end()))
        .unwrap_or_default();
    let body = decl
        .split_once("= {")
        .and_then(|(head, rest)| Some((head, rest.trim_end().strip_suffix("};")?)));
    let Some((head, body)) = body else {
        return format!("{docs}export {decl}\n");
    };
    format!("{docs}export {head}= {{\n{}}};\n", object_fields(body))
}

/// The fields of an object type (`/** doc */ name: T, ...`), each doc and field on its own
/// lines, indented; commas inside `<…>`, `[…]`, `{…}` and comments are not separators.
fn object_fields(body: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut current) = (0i32, String::new());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if depth == 0 && rest.starts_with("/**") {
            let end = rest.find("*/").map_or(rest.len(), |i| i + 2);
            for line in rest[..end].lines() {
                out.push_str(&format!("  {}\n", line.trim()).replace("  *", "   *"));
            }
            rest = &rest[end..];
            continue;
        }
        match c {
            '<' | '[' | '{' | '(' => depth += 1,
            '>' | ']' | '}' | ')' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            out.push_str(&format!("  {},\n", current.trim()));
            current.clear();
        } else {
            current.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if !current.trim().is_empty() {
        out.push_str(&format!("  {}\n", current.trim()));
    }
    out
}

/// Every type that crosses the JS boundary, in one file.
fn typescript() -> String {
    // Every integer the core sends fits a JS number (steps, counts, seeds are u32).
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    macro_rules! export {
        ($($t:ty),* $(,)?) => {$(
            out.push('\n');
            out.push_str(&declaration::<$t>(&cfg));
        )*};
    }
    use crate::continual::{metrics, run, scenarios};
    use crate::icl::{baselines, curriculum, curves, evaluate, layers, probe, tasks, tokens};
    export!(
        // in-context sessions
        SessionConfig,
        tasks::TaskKind,
        tasks::TaskConfig,
    );
    // Every function class's own parameters type, from the one list in icl/tasks/mod.rs.
    for (docs, decl) in tasks::class_types(&cfg) {
        out.push('\n');
        out.push_str(&format_declaration(docs, decl));
    }
    export!(
        Backbone,
        Preset,
        crate::model::Activation,
        tokens::TokenLayout,
        curriculum::Curriculum,
        DeviceChoice,
        crate::device::DeviceKind,
        crate::device::DeviceInfo,
        crate::device::AdapterProbe,
        crate::device::Capabilities,
        crate::icl::session::SessionInfo,
        crate::train::Report,
        evaluate::EvalConfig,
        evaluate::EvalTasks,
        probe::Probe,
        baselines::BaselineKind,
        baselines::BaselineOptions,
        evaluate::EvalResult,
        evaluate::Example,
        curves::ErrorCurve,
        layers::LayersConfig,
        crate::icl::answer::AnswerConfig,
        crate::icl::answer::Answer,
        crate::classify::BurstyConfig,
        crate::classify::ClassifyConfig,
        crate::classify::ClassifyReport,
        crate::classify::ClassifyEvaluation,
        crate::classify::model::InductionScores,
        crate::classify::ClassifyBackbone,
        crate::classify::QueryAttention,
        super::ClassifyCatalog,
        // findings and the shipped sweeps they are computed from
        crate::finding::Evidence,
        crate::finding::NoiseSource,
        crate::finding::Spread,
        crate::icl::diversity::Position,
        crate::icl::reading::Reading,
        crate::icl::reading::ReadingAtK,
        crate::icl::diversity::Standing,
        crate::icl::diversity::SweepRun,
        crate::icl::diversity::Side,
        crate::icl::diversity::PoolCell,
        crate::icl::diversity::Crossover,
        crate::icl::diversity::Moved,
        crate::icl::diversity::DiversityFindings,
        crate::icl::diversity::DiversitySweep,
        crate::classify::Point,
        crate::classify::Strategy,
        crate::classify::Run,
        crate::classify::PhaseCell,
        crate::classify::PhaseDiagram,
        crate::classify::transience::TransienceRun,
        crate::classify::TransienceOutcome,
        crate::classify::transience::DecayEffect,
        crate::classify::transience::Quantity,
        crate::classify::Transience,
        crate::classify::ClassifySweep,
        layers::LayersResult,
        layers::LayerReport,
        layers::Match,
        layers::Comparison,
        layers::Metric,
        layers::Resembles,
        crate::model::cost::InferenceCost,
        crate::icl::memory::MemoryEstimate,
        // continual runs
        ClConfig,
        DataConfig,
        TwoDConfig,
        Shape,
        DigitsConfig,
        crate::continual::table::TableConfig,
        crate::continual::table::TableLimits,
        crate::continual::table::TableSummary,
        ScenarioConfig,
        scenarios::ClassIncremental,
        scenarios::TaskIncremental,
        scenarios::Permuted,
        scenarios::Rotated,
        scenarios::Blurry,
        scenarios::Reoccurring,
        Schedule,
        StrategyKind,
        BufferPolicy,
        Embedding,
        run::ClResult,
        run::Metrics,
        metrics::Forgetting,
        metrics::StabilityGap,
        metrics::DipKind,
        metrics::BoundaryMetrics,
        run::Boundary,
        run::query::Answered,
        crate::markov::session::MarkovRunConfig,
        crate::markov::task::MarkovConfig,
        crate::markov::session::MarkovReport,
        crate::markov::session::MarkovEvaluation,
        crate::markov::session::Measured,
        crate::markov::session::HeadAttention,
        crate::markov::session::SequenceTrace,
        crate::markov::model::MarkovBackbone,
        crate::markov::Rule,
        crate::markov::Stage,
        crate::markov::StageFinding,
        super::MarkovCatalog,
        crate::continual::plasticity::PlasticityPoint,
        crate::continual::plasticity::PlasticityVerdict,
        // learn apart, merge together
        run::federated::FederatedConfig,
        run::federated::ClientSplit,
        run::federated::MergeLearner,
        run::federated::FederatedResult,
        run::federated::ClientResult,
        run::federated::ClassScores,
        run::federated::FedAvgResult,
        run::federated::FedAvgComparison,
        run::classroom::Share,
        run::classroom::ShareSpace,
        run::classroom::ClassStats,
        run::classroom::ClientState,
        run::classroom::MergedShare,
        // the catalog
        Catalog,
        IclCatalog,
        ContinualCatalog,
        FederatedCatalog,
        PlasticityCatalog,
        MergeLearnerSpec,
        Kind,
        Task,
        Model,
        PresetShape,
        Strategy,
        BaselineRoles,
        StrategySetting,
        Choice,
        Titles,
        Limits,
        Field,
        FieldSpec,
    );
    out
}

/// The catalog as a TypeScript module the pages import.
fn catalog_module() -> String {
    let text = serde_json::to_string_pretty(&catalog()).expect("the catalog serializes");
    format!(
        "{HEADER}import type {{ Catalog }} from \"./types.js\";\n\n/** What the core offers: `catalog()` without starting the worker. */\nexport const CATALOG: Catalog = {text};\n"
    )
}

/// Writes `name` when `ICLAB_WRITE_GENERATED` is set, else fails if it differs.
fn check_or_write(name: &str, text: &str) {
    let path = generated(name);
    if std::env::var_os("ICLAB_WRITE_GENERATED").is_some() {
        std::fs::write(&path, text).expect("write the generated file");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{} is stale: run `npm run generate` and commit the result",
        path.display()
    );
}

#[test]
fn generated_files_are_current() {
    check_or_write("types.ts", &typescript());
    check_or_write("catalog.ts", &catalog_module());
}

#[test]
fn bounds_in_the_catalog_are_the_ones_validation_applies() {
    let cat = catalog();
    // Every numeric top-level field of each config has bounds, and its default is inside them.
    for (what, defaults, fields) in [
        ("session", json(&SessionConfig::default()), &cat.icl.session),
        (
            "evaluation",
            json(&EvalConfig::default()),
            &cat.icl.evaluation,
        ),
        (
            "continual",
            json(&ClConfig::default()),
            &cat.continual.fields,
        ),
    ] {
        for (key, value) in defaults.as_object().expect("an object") {
            if value.is_number() {
                assert!(
                    fields.contains_key(key),
                    "{what}.{key} has no bounds in the catalog"
                );
            }
        }
        for (key, spec) in fields {
            if let Some(v) = spec.default.as_f64() {
                assert!(
                    spec.bounds.accepts(v),
                    "{what}.{key}: default {v} out of bounds"
                );
            }
        }
    }
    // Just past each session bound is rejected, naming the field; the bound itself is accepted.
    for (key, spec) in &cat.icl.session {
        if key == "xlstmRatio" || key == "seed" {
            continue;
        }
        let mut over = json(&SessionConfig::default());
        let Some(max) = spec.bounds.max else {
            // Unbounded above (gradClip): its minimum is checked instead.
            over[key.as_str()] = (spec.bounds.min - 1.0).into();
            let err = SessionConfig::from_json(&over.to_string()).expect_err("under the minimum");
            assert_eq!(err.field(), Some(key.as_str()), "{key}");
            continue;
        };
        over[key.as_str()] = if spec.bounds.integer {
            (max + 1.0).into()
        } else {
            (max * 2.0 + 1.0).into()
        };
        let err = SessionConfig::from_json(&over.to_string()).expect_err("over the maximum");
        assert_eq!(err.field(), Some(key.as_str()), "{key}");
    }
    for (name, limit) in [
        ("steps", cat.limits.train_steps),
        ("steps", cat.limits.advance_steps),
        ("resolution", cat.limits.boundary_resolution),
        ("class", cat.limits.unlearn_class),
        ("tokens", cat.limits.cost_tokens),
    ] {
        assert_eq!(limit.name, name);
    }
    // Every class, scenario and dataset is listed, with its kind as the config names it.
    assert_eq!(cat.icl.tasks.len(), TaskKind::ALL.len());
    for (entry, kind) in cat.icl.tasks.iter().zip(TaskKind::ALL) {
        assert_eq!(entry.kind.kind, kind.name());
        assert!(
            !entry.baselines.is_empty(),
            "{kind:?} has reference baselines"
        );
    }
    assert!(cat.continual.scenarios.iter().all(|s| !s.kind.is_empty()));
    assert_eq!(
        cat.continual.datasets[1].fields["perClass"].bounds.max,
        Some(800.0)
    );
}
