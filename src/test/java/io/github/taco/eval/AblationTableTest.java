package io.github.taco.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ablation table states how many seeds each row ran, shows a spread only where there is one, and names what was
 * changed from the preset.
 */
class AblationTableTest {
    static final Ablation.Settings DEFAULT = Ablation.settings(new Ablation.Spec());

    @Test
    void aRowWithOneSeedHasNoSpread() {
        List<Ablation.Run> runs = List.of(
                new Ablation.Run("L1", 1, DEFAULT, 10, "s1", 80, 99, 100, 1, 80, 79),
                new Ablation.Run("L1", 2, DEFAULT, 10, "s1", 82, 99, 100, 1, 82, 81),
                new Ablation.Run("L1+L2", 1, DEFAULT, 10, "s1+0.5s2", 84, 99, 100, 1, 83, 84));
        String md = AblationReport.markdown(runs);
        assertTrue(md.contains("| L1 | 2 | 81.0 ± 1.4 |"), md);
        assertTrue(md.contains("| L1+L2 | 1 | 84.0 | 99.0 |"), md);
        assertFalse(md.contains("Changed from the preset"), md);
    }

    @Test
    void settingsChangedFromThePresetAreStatedAboveTheTable() {
        Ablation.Spec spec = new Ablation.Spec();
        spec.batch = 256;
        spec.temperature = 0.1;
        String md = AblationReport.markdown(
                List.of(new Ablation.Run("L1", 1, Ablation.settings(spec), 10, "s1", 80, 99, 100, 1, 80, 79)));
        assertTrue(md.contains("Changed from the preset for every row: K = 256; τ = 0.1;"), md);
    }

    @Test
    void theClaimsAreJudgedAgainstTheSeedSpread() {
        List<Ablation.Run> runs = List.of(
                new Ablation.Run("L1", 1, DEFAULT, 10, "s1", 80, 99, 100, 1, 80, 80),
                new Ablation.Run("L1", 2, DEFAULT, 10, "s1", 82, 99, 100, 1, 82, 82),
                new Ablation.Run("L1+L3 random", 1, DEFAULT, 10, "cascade", 84, 99, 100, 1, 84, 84),
                new Ablation.Run("L1+L3 random", 2, DEFAULT, 10, "cascade", 85, 99, 100, 1, 85, 85),
                new Ablation.Run("L1+L2+L3 cascade", 1, DEFAULT, 10, "cascade", 84, 99, 100, 1, 84, 84),
                new Ablation.Run("L1+L2+L3 cascade", 2, DEFAULT, 10, "cascade", 86, 99, 100, 1, 86, 86),
                new Ablation.Run("tokens none", 1, DEFAULT, 10, "cascade", 90, 99, 100, 1, 90, 90));
        String md = AblationReport.markdown(runs);
        // L1: 81.0 ± 1.4; TACo 85.0 ± 1.4: +4.0 > 1.4
        assertTrue(md.contains("- TACo (L1+L2+L3 cascade) vs L1: +4.0 R@1, above by more than the spread (1.4)"), md);
        // random: 84.5 ± 0.7; +0.5 < 1.4
        assertTrue(md.contains("- TACo (L1+L2+L3 cascade) vs L1+L3 random: +0.5 R@1, within the spread (1.4)"), md);
        assertTrue(md.contains("- noun+verb (L1+L2+L3 cascade) vs tokens none: -5.0 R@1, no spread: run both rows with "
                + "two or more seeds"), md);
        assertFalse(md.contains("det+adp"), md);
    }
}
