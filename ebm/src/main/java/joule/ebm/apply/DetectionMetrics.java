package joule.ebm.apply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import joule.tensor.DType;
import joule.tensor.RandomStream;

/**
 * How well anomaly scores (higher = more anomalous) separate anomalies (label 1) from normal inputs (label 0)
 * (ebm-reference, "Applications"): AUROC = P(score of an anomaly > score of a normal input), ties counting ½
 * (the Mann–Whitney statistic), AUPRC by average precision {@code Σ_k (R_k − R_{k−1}) P_k} over the distinct
 * score thresholds, the ROC curve, and percentile bootstrap intervals of both areas.
 *
 * <p>The bootstrap is stratified: each resample draws the anomalies from the anomalies and the normal inputs from
 * the normal inputs, with replacement, so every resample has both classes. Its random numbers come from the given
 * {@link RandomStream} in a fixed order (one float64 uniform per index, resample by resample), so the same seed
 * gives the same interval on any machine.
 */
public final class DetectionMetrics {
    private static final String WHO = "DetectionMetrics";

    private DetectionMetrics() {
    }

    /** An estimate with a bootstrap interval {@code [lo, hi]} at confidence {@code level}. */
    public record Interval(double estimate, double lo, double hi, double level) {
    }

    /** AUROC and AUPRC with their intervals, and the class counts. */
    public record Report(Interval auroc, Interval auprc, int anomalies, int normals, int resamples) {
    }

    /** The ROC curve: false- and true-positive rates at each distinct threshold, from (0, 0) to (1, 1). */
    public record Roc(double[] falsePositiveRate, double[] truePositiveRate) {
    }

    /** AUROC of {@code scores} against {@code labels} (0/1, both present), ties ½ (Mann–Whitney). */
    public static double auroc(double[] scores, int[] labels) {
        check(scores, labels);
        return auroc(scores, labels, order(scores));
    }

    /** AUPRC as average precision {@code Σ_k (R_k − R_{k−1}) P_k}, thresholds at the distinct scores (ties together). */
    public static double averagePrecision(double[] scores, int[] labels) {
        check(scores, labels);
        return averagePrecision(scores, labels, order(scores));
    }

    /** The ROC curve, one point per distinct score (thresholds from the highest score down). */
    public static Roc roc(double[] scores, int[] labels) {
        check(scores, labels);
        int[] idx = order(scores);
        int positives = count(labels);
        int negatives = labels.length - positives;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        for (int k = idx.length - 1; k >= 0; k--) {
            if (labels[idx[k]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (k == 0 || scores[idx[k - 1]] != scores[idx[k]]) {
                points.add(new double[] {(double) fp / negatives, (double) tp / positives});
            }
        }
        double[] fpr = new double[points.size()];
        double[] tpr = new double[points.size()];
        for (int i = 0; i < fpr.length; i++) {
            fpr[i] = points.get(i)[0];
            tpr[i] = points.get(i)[1];
        }
        return new Roc(fpr, tpr);
    }

    /**
     * AUROC and AUPRC with stratified percentile bootstrap intervals: {@code resamples ≥ 1} resamples,
     * confidence {@code level} in (0, 1), random numbers from {@code rng} (see the class comment).
     */
    public static Report evaluate(double[] scores, int[] labels, int resamples, double level, RandomStream rng) {
        check(scores, labels);
        if (resamples < 1) {
            throw new IllegalArgumentException(WHO + ": bootstrap resamples must be ≥ 1, got " + resamples);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException(WHO + ": confidence level must be in (0, 1), got " + level);
        }
        int[] pos = indicesOf(labels, 1);
        int[] neg = indicesOf(labels, 0);
        int n = scores.length;
        double[] aurocs = new double[resamples];
        double[] aps = new double[resamples];
        double[] s = new double[n];
        int[] l = new int[n];
        for (int b = 0; b < resamples; b++) {
            double[] u = rng.uniform(DType.FLOAT64, n).toDoubleArray();
            for (int i = 0; i < n; i++) {
                int[] from = i < pos.length ? pos : neg;
                int j = from[Math.min((int) (u[i] * from.length), from.length - 1)];
                s[i] = scores[j];
                l[i] = labels[j];
            }
            int[] idx = order(s);
            aurocs[b] = auroc(s, l, idx);
            aps[b] = averagePrecision(s, l, idx);
        }
        return new Report(interval(auroc(scores, labels), aurocs, level), interval(averagePrecision(scores, labels), aps,
                level), pos.length, neg.length, resamples);
    }

    private static Interval interval(double estimate, double[] resampled, double level) {
        double[] sorted = resampled.clone();
        Arrays.sort(sorted);
        return new Interval(estimate, quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2), level);
    }

    /** The {@code q}-quantile of sorted values, interpolated linearly between order statistics. */
    private static double quantile(double[] sorted, double q) {
        double h = q * (sorted.length - 1);
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double auroc(double[] scores, int[] labels, int[] idx) {
        double rankSum = 0;
        int positives = 0;
        for (int k = 0; k < idx.length;) {
            int end = k;
            while (end + 1 < idx.length && scores[idx[end + 1]] == scores[idx[k]]) {
                end++;
            }
            double rank = (k + end) / 2.0 + 1;   // average rank of a tie group, 1-based
            for (int t = k; t <= end; t++) {
                if (labels[idx[t]] == 1) {
                    rankSum += rank;
                    positives++;
                }
            }
            k = end + 1;
        }
        double negatives = idx.length - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
    }

    private static double averagePrecision(double[] scores, int[] labels, int[] idx) {
        int positives = count(labels);
        double ap = 0;
        int tp = 0;
        int seen = 0;
        int tpBefore = 0;
        for (int k = idx.length - 1; k >= 0; k--) {
            tp += labels[idx[k]];
            seen++;
            if (k == 0 || scores[idx[k - 1]] != scores[idx[k]]) {
                ap += (double) (tp - tpBefore) / positives * tp / seen;
                tpBefore = tp;
            }
        }
        return ap;
    }

    /** Indices sorting {@code scores} ascending (stable). */
    private static int[] order(double[] scores) {
        Integer[] boxed = new Integer[scores.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(scores[a], scores[b]));
        int[] idx = new int[boxed.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = boxed[i];
        }
        return idx;
    }

    private static int count(int[] labels) {
        int c = 0;
        for (int l : labels) {
            c += l;
        }
        return c;
    }

    private static int[] indicesOf(int[] labels, int label) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
    }

    /** Rejects labels other than 0/1, a missing class, mismatched lengths and scores that are not finite. */
    static void check(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(WHO + ": " + scores.length + " scores but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException(WHO + ": labels must be 0 (normal) or 1 (anomaly), got " + labels[i]
                        + " at row " + i);
            }
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException(WHO + ": score " + i + " is " + scores[i] + "; scores must be finite");
            }
        }
        int positives = count(labels);
        if (positives == 0 || positives == labels.length) {
            throw new IllegalArgumentException(WHO + ": need both labels 0 and 1, got " + positives + " anomalies among "
                    + labels.length + " inputs");
        }
    }
}
