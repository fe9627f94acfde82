package io.github.taco.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of the training curves (each loss, learning rate, gradient norm, validation R@1) from the metrics records. */
public final class TrainingCurves {
    private TrainingCurves() {}

    public static void write(List<Map<String, Object>> records, Path png) throws IOException {
        XYChart losses = chart("losses", "loss");
        for (String key : List.of("loss", "l1", "l2", "l3")) {
            series(losses, records, key);
        }
        markStalls(losses, records);
        XYChart lr = chart("learning rate", "lr");
        series(lr, records, "lr");
        XYChart val = chart("validation text→video R@1", "R@1 (%)");
        series(val, records, "val_r1_s1");
        series(val, records, "val_r1_s12");
        XYChart grad = chart("gradient norm before clipping (mean between log lines)", "norm");
        series(grad, records, "grad_norm");
        List<XYChart> charts = new ArrayList<>(List.of(losses, lr, grad, val));
        charts.removeIf(c -> c.getSeriesMap().isEmpty());
        if (charts.isEmpty()) {
            return;
        }
        Path tmp = png.resolveSibling("." + png.getFileName() + ".tmp");
        Files.createDirectories(png.toAbsolutePath().getParent());
        // BitmapEncoder appends the extension itself
        String base = tmp.toString();
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, base, BitmapEncoder.BitmapFormat.PNG);
        Files.move(Path.of(base + ".png"), png, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** A vertical line on the losses from the step each stall began ({@link StallDetector}), named by its kind. */
    private static void markStalls(XYChart losses, List<Map<String, Object>> records) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : losses.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                lo = Math.min(lo, y);
                hi = Math.max(hi, y);
            }
        }
        if (!(lo <= hi)) {
            return;
        }
        for (Map<String, Object> r : records) {
            if (r.get("stall") instanceof String kind && r.get("since") instanceof Number since) {
                XYSeries s = losses.addSeries("stall (" + kind + ") since step " + since,
                        List.of(since.doubleValue(), since.doubleValue()), List.of(lo, hi));
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(Color.RED);
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
            }
        }
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(300).title(title).xAxisTitle("step").yAxisTitle(yTitle)
                .build();
        c.getStyler().setMarkerSize(0);
        return c;
    }

    private static void series(XYChart chart, List<Map<String, Object>> records, String key) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map<String, Object> r : records) {
            Object v = r.get(key);
            if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                xs.add(((Number) r.get("step")).doubleValue());
                ys.add(n.doubleValue());
            }
        }
        if (!xs.isEmpty()) {
            XYSeries s = chart.addSeries(key, xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
    }
}
