package io.github.taco.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A PNG of the training curves (each loss, learning rate, gradient norm, validation R@1) from the metrics records. */
public final class TrainingCurves {
    private TrainingCurves() {}

    public static void write(List<Map<String, Object>> records, Path png) throws IOException {
        XYChart losses = chart("losses", "loss");
        for (String key : List.of("loss", "l1", "l2", "l3")) {
            series(losses, records, key);
        }
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
        Files.move(Path.of(base + ".png"), png, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(300).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
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
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
    }
}
