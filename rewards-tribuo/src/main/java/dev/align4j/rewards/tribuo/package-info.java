/**
 * Optional module: fits a {@link dev.align4j.rewards.model.BradleyTerryModel} with Tribuo's logistic regression
 * (SGD) on feature differences of preference pairs. Kept apart so that the rewards module is Jackson-only.
 */
package dev.align4j.rewards.tribuo;
