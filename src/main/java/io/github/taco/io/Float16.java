package io.github.taco.io;

/**
 * IEEE 754 half-precision conversion with round-to-nearest-even. Hand-written because Java 17 has
 * no {@code Float.floatToFloat16} (added in Java 20). Half precision keeps 11 significant bits: a
 * relative error of at most 2^-11 ≈ 4.9e-4 for |v| in [6.1e-5, 65504]; larger values become ±∞.
 */
public final class Float16 {
    private Float16() {}

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int val = bits & 0x7fffffff;
        if (val >= 0x7f800000) { // infinity or NaN (NaN keeps a quiet-NaN payload)
            return (short) (sign | 0x7c00 | (val > 0x7f800000 ? 0x200 : 0));
        }
        if (val >= 0x477ff000) { // ≥ 65520 rounds to infinity
            return (short) (sign | 0x7c00);
        }
        if (val < 0x38800000) {
            // below the smallest normal half 2^-14: a subnormal m·2^-24 (m = 1024 is the smallest normal, same bits)
            return (short) (sign | (int) Math.rint(Math.abs(f) * 0x1p24));
        }
        int h = (((val >>> 23) - 112) << 10) | ((val & 0x7fffff) >>> 13);
        int rest = val & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
            h++; // a carry into the exponent is the correct rounding
        }
        return (short) (sign | h);
    }

    public static float toFloat(short h) {
        int s = (h & 0x8000) << 16;
        int e = (h >>> 10) & 0x1f;
        int m = h & 0x3ff;
        if (e == 0) {
            float v = m * 0x1p-24f;
            return s != 0 ? -v : v;
        }
        if (e == 31) {
            return Float.intBitsToFloat(s | 0x7f800000 | (m << 13));
        }
        return Float.intBitsToFloat(s | ((e + 112) << 23) | (m << 13));
    }
}
