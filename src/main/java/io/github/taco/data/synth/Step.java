package io.github.taco.data.synth;

/**
 * One step of a synthetic video: an event with its latent concepts and its time span. The step
 * occupies feature rows {@code start … end} inclusive (1 feature per second), so its annotation
 * segment is [start, end].
 *
 * @param verb      verb id (its vector moves from a start to an end pose over the step)
 * @param object    object id
 * @param attribute visible state of the object (colour, size, freshness)
 * @param amount    how much of the object ("a pinch of", "a handful of")
 * @param tool      tool id, or -1 when the step uses none
 * @param place     place id, or -1 when the step names none
 */
public record Step(int verb, int object, int attribute, int amount, int tool, int place, int start, int end) {

    /** The concepts as {verb, object, attribute, amount, tool, place}, as {@link Lexicon#parse} returns them. */
    public int[] concepts() {
        return new int[] {verb, object, attribute, amount, tool, place};
    }

    public int seconds() {
        return end - start + 1;
    }
}
