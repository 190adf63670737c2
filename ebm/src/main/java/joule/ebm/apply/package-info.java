/**
 * What a trained energy or score network is good for beyond sampling (ebm-reference, "Applications"):
 * per-input anomaly scores and their detection metrics ({@link joule.ebm.apply.AnomalyScores},
 * {@link joule.ebm.apply.DetectionMetrics}), Tweedie denoising and annealed-Langevin refinement
 * ({@link joule.ebm.apply.Denoising}), inpainting by annealed Langevin with the known coordinates clamped
 * ({@link joule.ebm.apply.Inpainting}), PSNR ({@link joule.ebm.apply.Psnr}), and the corruptions the
 * image anomaly targets use ({@link joule.ebm.apply.Corruptions}).
 */
package joule.ebm.apply;
