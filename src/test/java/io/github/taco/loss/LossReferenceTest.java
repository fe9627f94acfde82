package io.github.taco.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.taco.data.Batch;
import io.github.taco.model.Negatives;
import io.github.taco.model.Similarity;
import io.github.taco.model.TacoConfig;
import io.github.taco.model.TacoModel;
import io.github.taco.model.TinyBatches;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scores and losses against values computed here with plain loops over the encoder outputs
 * (docs/method.md §2–§4), not by calling the code under test.
 */
class LossReferenceTest {
    static final int K = 4, M = 5, D = 6, N = 7, V = 20;

    @ParameterizedTest
    @ValueSource(strings = {"dot", "cosine"})
    void scoresAndLossesMatchPlainLoops(String similarity) {
        TacoConfig c = TinyBatches.tinyConfig(D, M, N, V);
        c.similarity = Similarity.parse(similarity);
        c.temperature = 0.1;
        c.kPrime = 2;
        c.l1VideoToText = true;
        Batch b = TinyBatches.random(K, M, D, N, V, 7, 0f, 0, true);
        try (NDManager mgr = NDManager.newBaseManager(); TacoModel model = new TacoModel(c, mgr, 3)) {
            TacoModel.Inputs in = b.toInputs(mgr);
            NDArray y = model.encodeText(in.tokenIds(), in.tokenMask());
            NDArray x = model.encodeVideo(in.features(), in.frameMask());
            int d = c.hiddenSize;
            float[][][] yv = reshape(y.toFloatArray(), K, N, d);
            float[][][] xv = reshape(x.toFloatArray(), K, M, d);
            boolean cos = similarity.equals("cosine");
            double tau = cos ? c.temperature : 1;

            // s1: mean of valid frames · [CLS]
            double[][] s1 = new double[K][K];
            for (int i = 0; i < K; i++) {
                for (int j = 0; j < K; j++) {
                    double[] mean = new double[d];
                    int count = 0;
                    for (int f = 0; f < M; f++) {
                        if (b.frameMask()[j * M + f] == 1) {
                            count++;
                            for (int e = 0; e < d; e++) mean[e] += xv[j][f][e];
                        }
                    }
                    for (int e = 0; e < d; e++) mean[e] /= count;
                    s1[i][j] = dot(yv[i][0], mean, cos) / tau;
                }
            }
            // token scores s(x_j, y_i^p) and s2
            double[][][] tok = new double[K][N][K];
            double[][] s2 = new double[K][K];
            for (int i = 0; i < K; i++) {
                for (int p = 0; p < N; p++) {
                    for (int j = 0; j < K; j++) {
                        double best = Double.NEGATIVE_INFINITY;
                        for (int f = 0; f < M; f++) {
                            if (b.frameMask()[j * M + f] == 1) {
                                best = Math.max(best, dot(yv[i][p], toDouble(xv[j][f]), cos) / tau);
                            }
                        }
                        tok[i][p][j] = best;
                        s2[i][j] += b.tokenWeights()[i * N + p] * best;
                    }
                }
            }
            float[] s1Model = model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())).toFloatArray();
            NDArray tokModel = model.tokenScores(y, x, in.frameMask());
            float[] s2Model = model.s2(tokModel, in.tokenWeights()).toFloatArray();
            float[] tokValues = tokModel.toFloatArray();
            for (int i = 0; i < K; i++) {
                for (int j = 0; j < K; j++) {
                    assertEquals(s1[i][j], s1Model[i * K + j], 1e-4 * Math.max(1, Math.abs(s1[i][j])), "s1");
                    assertEquals(s2[i][j], s2Model[i * K + j], 1e-4 * Math.max(1, Math.abs(s2[i][j])), "s2");
                    for (int p = 0; p < N; p++) {
                        if (b.tokenMask()[i * N + p] == 1) {
                            assertEquals(tok[i][p][j], tokValues[(i * N + p) * K + j],
                                    1e-4 * Math.max(1, Math.abs(tok[i][p][j])), "s");
                        }
                    }
                }
            }

            // L1 both directions
            double t2v = 0, v2t = 0;
            for (int i = 0; i < K; i++) {
                double[] row = new double[K], col = new double[K];
                for (int j = 0; j < K; j++) {
                    row[j] = s1[i][j];
                    col[j] = s1[j][i];
                }
                t2v += -logSoftmax(row)[i];
                v2t += -logSoftmax(col)[i];
            }
            double l1 = (t2v / K + v2t / K) / 2;
            assertEquals(l1, SentenceLoss.compute(model.s1(model.textVectors(y), model.videoVectors(x, in.frameMask())),
                    true).getFloat(), 1e-4);

            // L2: weighted CE per token, mean over texts with tokens of interest (text 0 has none)
            double l2 = 0;
            int texts = 0;
            for (int i = 0; i < K; i++) {
                double wsum = 0, li = 0;
                for (int p = 0; p < N; p++) {
                    double w = b.tokenWeights()[i * N + p];
                    if (w > 0) {
                        li += w * -logSoftmax(tok[i][p])[i];
                        wsum += w;
                    }
                }
                if (wsum > 0) {
                    texts++;
                    l2 += li;
                }
            }
            assertEquals(K - 1, texts, "test batch should leave text 0 without tokens of interest");
            l2 /= texts;
            assertEquals(l2, TokenLoss.compute(tokModel, in.tokenWeights()).getFloat(), 1e-4);

            // L3 on a cascade selection, with s3 from the model's fusion for each pair
            float[] r = new float[K * K];
            for (int i = 0; i < K; i++) for (int j = 0; j < K; j++) r[i * K + j] = (float) (s1[i][j] + s2[i][j]);
            NegativeSampler.Selection sel = NegativeSampler.select(Negatives.CASCADE, r, K, c.kPrime, new Random(1));
            double lt = 0, lv = 0;
            for (int a = 0; a < K; a++) {
                double[] textRow = new double[c.kPrime + 1];
                double[] videoRow = new double[c.kPrime + 1];
                textRow[0] = videoRow[0] = s3(model, y, in, x, a, a);
                for (int q = 0; q < c.kPrime; q++) {
                    textRow[q + 1] = s3(model, y, in, x, a, sel.videosForText()[a][q]);
                    videoRow[q + 1] = s3(model, y, in, x, sel.textsForVideo()[a][q], a);
                }
                lt += -logSoftmax(textRow)[0];
                lv += -logSoftmax(videoRow)[0];
            }
            double l3 = (lt / K + lv / K) / 2;
            float l3Model = FusionLoss.compute(model, y, in.tokenMask(), x, in.frameMask(), sel).getFloat();
            assertEquals(l3, l3Model, 1e-4);
            assertTrue(l3 > 0);

            // the objective adds them up with λ
            c.useL1 = true;
            TacoObjective.Terms terms = new TacoObjective(model).compute(in, new Random(1), new StepTimer());
            assertEquals(l1 + c.lambda * l2 + l3, terms.total().getFloat(), 1e-4);
        }
    }

    private static double s3(TacoModel model, NDArray y, TacoModel.Inputs in, NDArray x, int text, int video) {
        return model.s3(y, in.tokenMask(), x, in.frameMask(), new int[] {text}, new int[] {video}).getFloat();
    }

    static double dot(float[] a, double[] b, boolean cosine) {
        double s = 0, na = 0, nb = 0;
        for (int e = 0; e < a.length; e++) {
            s += a[e] * b[e];
            na += a[e] * a[e];
            nb += b[e] * b[e];
        }
        return cosine ? s / (Math.sqrt(na) * Math.sqrt(nb)) : s;
    }

    static double[] toDouble(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    static double[] logSoftmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) max = Math.max(max, x);
        double sum = 0;
        for (double x : v) sum += Math.exp(x - max);
        double lse = max + Math.log(sum);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i] - lse;
        return r;
    }

    static float[][][] reshape(float[] a, int p, int q, int r) {
        float[][][] o = new float[p][q][r];
        for (int i = 0; i < p; i++) for (int j = 0; j < q; j++) System.arraycopy(a, (i * q + j) * r, o[i][j], 0, r);
        return o;
    }
}
