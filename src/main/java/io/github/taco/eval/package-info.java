/**
 * Evaluation (docs/method.md §7). The metrics are plain Java with no model: retrieval ranks and
 * recalls ({@link io.github.taco.eval.RetrievalMetrics}), the inference cascade's ranking of
 * docs/method.md §5 ({@link io.github.taco.eval.CascadeRanker}), CrossTask step localization
 * ({@link io.github.taco.eval.StepLocalization}, {@link io.github.taco.eval.CrossTaskReader}) and COIN
 * frame accuracy ({@link io.github.taco.eval.FrameAccuracy}, {@link io.github.taco.eval.CoinReader}).
 * On top of them, the classes that run a model (DJL): the retrieval evaluator that scores every
 * caption against every clip ({@link io.github.taco.eval.RetrievalEvaluator}), the CrossTask and COIN
 * runs, and the two jobs built from training plus evaluation: the ablation
 * ({@link io.github.taco.eval.Ablation}) and the demo ({@link io.github.taco.eval.Demo}).
 */
package io.github.taco.eval;
