package io.github.taco.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ablation table states how many seeds each row ran, shows a spread only where there is one, and names what was changed from the preset. */
class AblationTableTest {
    @Test
    void aRowWithOneSeedHasNoSpread() {
        Ablation.Spec spec = new Ablation.Spec();
        spec.seeds = List.of(1L, 2L);
        List<Ablation.Run> runs = List.of(
                new Ablation.Run("L1", 1, 100, 10, "s1", 80, 99, 100, 1, 80, 79),
                new Ablation.Run("L1", 2, 100, 10, "s1", 82, 99, 100, 1, 82, 81),
                new Ablation.Run("L1+L2", 1, 100, 10, "s1+0.5s2", 84, 99, 100, 1, 83, 84));
        String md = Ablation.markdown(spec, runs);
        assertTrue(md.contains("| L1 | 2 | 81.0 ± 1.4 |"), md);
        assertTrue(md.contains("| L1+L2 | 1 | 84.0 | 99.0 |"), md);
        assertFalse(md.contains("Changed from the preset"), md);
    }

    @Test
    void settingsChangedFromThePresetAreStatedAboveTheTable() {
        Ablation.Spec spec = new Ablation.Spec();
        spec.batch = 256;
        spec.temperature = 0.1;
        String md = Ablation.markdown(spec, List.of(new Ablation.Run("L1", 1, 100, 10, "s1", 80, 99, 100, 1, 80, 79)));
        assertTrue(md.contains("Changed from the preset for every row: K = 256; τ = 0.1;"), md);
    }
}
