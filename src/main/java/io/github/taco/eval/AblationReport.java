package io.github.taco.eval;

import io.github.taco.model.Similarity;
import io.github.taco.train.Preset;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The report of an ablation ({@link Ablation}): per-row statistics over seeds, the markdown table
 * with the paper's claims judged against the seed spread, and the chart.
 */
final class AblationReport {
    private AblationReport() {}

    /** One row's results over the seeds it ran: mean and sample std of each metric. */
    record RowStats(String row, int seeds, double r1, double r1Std, double r5, double r5Std, double r10, double r10Std,
                    double medR, double medRStd, double r1s1, double r1s12) {
        /** Two or more seeds: a std to quote. */
        boolean hasSpread() {
            return seeds >= 2;
        }

        static RowStats of(String row, List<Ablation.Run> rs) {
            return new RowStats(row, rs.size(), mean(rs, Ablation.Run::r1), std(rs, Ablation.Run::r1),
                    mean(rs, Ablation.Run::r5), std(rs, Ablation.Run::r5), mean(rs, Ablation.Run::r10),
                    std(rs, Ablation.Run::r10), mean(rs, Ablation.Run::medR),
                    std(rs, Ablation.Run::medR), mean(rs, Ablation.Run::r1s1), mean(rs, Ablation.Run::r1s12));
        }
    }

    /** A claim of the paper: {@code better} beats {@code baseline} on R@1. */
    record Claim(String better, String baseline) {
        String name() {
            return baseline.startsWith("tokens") ? "noun+verb (" + better + ") vs " + baseline
                    : "TACo (" + better + ") vs " + baseline;
        }
    }

    /** The paper's claims: TACo over L1 and over L1+L3 random (Table 3), noun+verb over none and det+adp (Table 4). */
    static final List<Claim> CLAIMS = List.of(
            new Claim("L1+L2+L3 cascade", "L1"),
            new Claim("L1+L2+L3 cascade", "L1+L3 random"),
            new Claim("L1+L2+L3 cascade", "tokens none"),
            new Claim("L1+L2+L3 cascade", "tokens det+adp"));

    /** Statistics per row, in the order the rows first ran. */
    static Map<String, RowStats> stats(List<Ablation.Run> runs) {
        Map<String, List<Ablation.Run>> byRow = new LinkedHashMap<>();
        for (Ablation.Run r : runs) byRow.computeIfAbsent(r.row(), k -> new ArrayList<>()).add(r);
        Map<String, RowStats> out = new LinkedHashMap<>();
        byRow.forEach((row, rs) -> out.put(row, RowStats.of(row, rs)));
        return out;
    }

    static String markdown(List<Ablation.Run> runs) {
        if (runs.isEmpty()) return "No runs yet.\n";
        StringBuilder sb = new StringBuilder();
        Ablation.Settings set = runs.get(0).settings();
        Ablation.Settings preset = Ablation.settings(new Ablation.Spec());
        double secs = runs.stream().mapToDouble(Ablation.Run::trainSeconds).average().orElse(0);
        sb.append(String.format(Locale.ROOT, "%s benchmark, text→video on %s held-out clips; cpu preset (dropout %s), "
                + "%d steps per run (≈ %.0f s each), seeds %s.%nEach model is scored with what it trained (s1; + "
                + "0.5·s2 with L2; cascade top-%d + s3 with L3). Mean ± std over the seeds run (no std for a "
                + "single seed).%n%n",
                set.benchmark() == null ? "Template (synthetic captions)" : "Built-in (" + set.benchmark() + ")",
                set.evalClips() == 0 ? "all" : Integer.toString(set.evalClips()),
                BigDecimal.valueOf(set.dropoutValue()).stripTrailingZeros().toPlainString(), set.steps(), secs,
                runs.stream().map(Ablation.Run::seed).distinct().sorted().toList(), set.topR()));
        if (set.batch() != preset.batch() || set.temperature() != preset.temperature()
                || set.similarity() != preset.similarity()) {
            sb.append("Changed from the preset for every row:")
                    .append(set.batch() != preset.batch() ? " K = " + set.batch() + ";" : "")
                    .append(set.similarity() != preset.similarity() ? " similarity " + set.similarity() + ";" : "")
                    .append(set.temperature() != preset.temperature() && set.similarity() != Similarity.DOT
                            ? " τ = " + set.temperature() + ";" : "")
                    .append("\n\n");
        }
        if (set.overrides() != null) {
            sb.append("Experiment: every row trained with ").append(String.join(", ", set.overrides()))
                    .append(" (taco ablate --set).\n\n");
        }
        if (set.bert() != null) {
            sb.append("Text encoder initialised from ").append(set.bert())
                    .append(" (its sizes follow it; d, video encoder and fusion keep the preset's).\n\n");
        }
        if (set.textLearningRate() != null) {
            sb.append(String.format(Locale.ROOT, "Text encoder trained at learning rate %.3g (the others at %.3g).%n%n",
                    set.textLearningRate(), Preset.CPU.train().learningRate));
        }
        sb.append("| row | seeds run | R@1 | R@5 | R@10 | MedR | R@1 (s1 only) | R@1 (s1+0.5·s2) |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        Map<String, RowStats> stats = stats(runs);
        for (RowStats v : stats.values()) {
            boolean spread = v.hasSpread();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %.1f | %.1f |%n", v.row(), v.seeds(),
                    meanStd(v.r1(), v.r1Std(), spread), meanStd(v.r5(), v.r5Std(), spread),
                    meanStd(v.r10(), v.r10Std(), spread), meanStd(v.medR(), v.medRStd(), spread), v.r1s1(), v.r1s12()));
        }
        List<Ablation.Run> stalled = runs.stream().filter(r -> r.stall() != null).toList();
        sb.append(stalled.isEmpty() ? "\nNo run stalled (StallDetector, docs/benchmark-family.md).\n"
                : "\nStalled runs (trained on with --on-stall warn; their R@1 is in the means above): "
                        + stalled.stream().map(r -> r.row() + " seed " + r.seed() + " (" + r.stall() + ")")
                                .collect(Collectors.joining("; ")) + ".\n");
        sb.append(comparisons(stats));
        return sb.toString();
    }

    /**
     * One line per claim whose two rows both ran: the difference of mean R@1 and whether it exceeds the
     * seed-to-seed spread (the larger std of the two rows), so that "TACo wins" is never read off noise.
     */
    static String comparisons(Map<String, RowStats> stats) {
        StringBuilder sb = new StringBuilder();
        for (Claim c : CLAIMS) {
            RowStats a = stats.get(c.better());
            RowStats b = stats.get(c.baseline());
            if (a == null || b == null) continue;
            double diff = a.r1() - b.r1();
            String verdict;
            if (!a.hasSpread() || !b.hasSpread()) {
                verdict = "no spread: run both rows with two or more seeds";
            } else {
                double spread = Math.max(a.r1Std(), b.r1Std());
                verdict = diff > spread ? String.format(Locale.ROOT, "above by more than the spread (%.1f)", spread)
                        : diff < -spread ? String.format(Locale.ROOT, "below by more than the spread (%.1f)", spread)
                        : String.format(Locale.ROOT, "within the spread (%.1f)", spread);
            }
            sb.append(String.format(Locale.ROOT, "- %s: %+.1f R@1, %s%n", c.name(), diff, verdict));
        }
        return sb.isEmpty() ? ""
                : "\nThe paper's claims (difference of mean R@1, each row with its own score):\n\n" + sb;
    }

    /** Mean ± std R@1 per row as a bar chart (PNG), written atomically. */
    static void writeChart(Path png, List<Ablation.Run> runs) throws IOException {
        Map<String, RowStats> stats = stats(runs);
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(450)
                .title("Text→video R@1 on the synthetic benchmark (mean ± std over seeds)")
                .xAxisTitle("").yAxisTitle("R@1 (%)").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(20);
        // rows differ by a few points near 80 %: from 0 the bars would all look equal
        double low = stats.values().stream().mapToDouble(v -> v.r1() - v.r1Std()).min().orElse(0);
        chart.getStyler().setYAxisMin(Math.max(0, Math.floor((low - 5) / 5) * 5));
        chart.addSeries("R@1", new ArrayList<>(stats.keySet()),
                stats.values().stream().map(RowStats::r1).toList(),
                stats.values().stream().map(RowStats::r1Std).toList());
        Path tmp = png.resolveSibling(".chart");
        BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.move(Path.of(tmp + ".png"), png, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String meanStd(double mean, double std, boolean spread) {
        return spread ? String.format(Locale.ROOT, "%.1f ± %.1f", mean, std) : String.format(Locale.ROOT, "%.1f", mean);
    }

    private static double mean(List<Ablation.Run> rs, ToDoubleFunction<Ablation.Run> f) {
        return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double std(List<Ablation.Run> rs, ToDoubleFunction<Ablation.Run> f) {
        if (rs.size() < 2) return 0;
        double m = mean(rs, f);
        return Math.sqrt(rs.stream().mapToDouble(r -> Math.pow(f.applyAsDouble(r) - m, 2)).sum() / (rs.size() - 1));
    }
}
