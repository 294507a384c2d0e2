//! What a session's model answers to a written prompt ([`crate::icl::answer`]).

use nalgebra::{DMatrix, DVector};

use super::Session;
use crate::Result;
use crate::icl::PromptBatch;
use crate::icl::answer::{self, Answer, AnswerConfig, TYPICAL_RANGE};
use crate::icl::baselines::Fitted;

impl Session {
    /// The model's answer at each query after reading all the examples, and each baseline's,
    /// fitted once to the same examples. One forward pass per chunk of queries: each query is
    /// its own prompt, the examples followed by that query.
    pub async fn answer(&self, config: &AnswerConfig) -> Result<Answer> {
        let (dims, points) = (self.config.dims as usize, self.config.points as usize);
        let (examples, queries) = config.resolve(dims, points)?;
        let kinds = config.baselines_or(self.class.reference_baselines())?;
        let n = examples.len();
        let width = n + 1;
        let mut batch = PromptBatch {
            batch: queries.len(),
            points: width,
            dims,
            xs: Vec::with_capacity(queries.len() * width * dims),
            ys: Vec::with_capacity(queries.len() * width),
        };
        for query in &queries {
            for example in &examples {
                batch.xs.extend(example[..dims].iter().map(|&v| v as f32));
                batch.ys.push(example[dims] as f32);
            }
            batch.xs.extend(query.iter().map(|&v| v as f32));
            batch.ys.push(0.0); // never read: the answer at position n comes before its y
        }
        let predictions = self.predict(&batch).await?;
        let model = (0..queries.len())
            .map(|q| predictions[q * width + n])
            .collect();

        let xs = DMatrix::from_fn(n, dims, |r, c| examples[r][c]);
        let ys = DVector::from_fn(n, |r, _| examples[r][dims]);
        let points_at: Vec<DVector<f64>> = queries
            .iter()
            .map(|q| DVector::from_column_slice(q))
            .collect();
        let noise_var = self.class.output_noise().powi(2);
        let baselines = kinds
            .into_iter()
            .map(|kind| {
                let (fitted, _) = Fitted::new(
                    kind,
                    &config.options,
                    &xs,
                    &ys,
                    u64::from(self.config.seed),
                    noise_var,
                );
                let answers = points_at.iter().map(|q| fitted.predict(q)).collect();
                (kind.name().to_owned(), answers)
            })
            .collect();
        let outside = queries.iter().map(|q| answer::outside(q)).collect();
        Ok(Answer {
            examples,
            queries,
            model,
            baselines,
            typical_range: TYPICAL_RANGE,
            outside,
        })
    }
}
