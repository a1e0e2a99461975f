/** What one worker agrees to train: upper bounds on a job's params and its memory estimate. */
package io.cyclegan.training.limits;
