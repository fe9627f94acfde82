/**
 * File utilities with no knowledge of the model: atomic writes ({@link io.github.taco.io.AtomicFiles})
 * and float16 conversion ({@link io.github.taco.io.Float16}). Every other package may use them; they
 * use nothing of the project.
 */
package io.github.taco.io;
