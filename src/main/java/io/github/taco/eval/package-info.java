/**
 * Evaluation metrics of docs/method.md §7 in plain Java (no model, no DJL): retrieval ranks and recalls
 * ({@link io.github.taco.eval.RetrievalMetrics}), the inference cascade of docs/method.md §5
 * ({@link io.github.taco.eval.CascadeRanker}), CrossTask step localization and recall
 * ({@link io.github.taco.eval.StepLocalization}, {@link io.github.taco.eval.CrossTaskReader}) and
 * COIN frame accuracy ({@link io.github.taco.eval.FrameAccuracy}, {@link io.github.taco.eval.CoinReader}).
 * The evaluator that produces score matrices from a model builds on these.
 */
package io.github.taco.eval;
