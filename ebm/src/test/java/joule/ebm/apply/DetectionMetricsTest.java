package joule.ebm.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.tensor.RandomStream;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {
    @Test
    void aurocIsTheMannWhitneyStatisticWithTiesCountingHalf() {
        assertEquals(1.0, DetectionMetrics.auroc(new double[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1}));
        assertEquals(0.0, DetectionMetrics.auroc(new double[] {3, 2, 1, 0}, new int[] {0, 0, 1, 1}));
        assertEquals(0.5, DetectionMetrics.auroc(new double[] {1, 1, 1, 1}, new int[] {0, 1, 0, 1}));
        // Pairs (anomaly, normal): (0.8, 0.1) 1, (0.8, 0.4) 1, (0.8, 0.8) ½, (0.35, 0.1) 1, (0.35, 0.4) 0, (0.35, 0.8) 0.
        assertEquals(3.5 / 6, DetectionMetrics.auroc(new double[] {0.1, 0.4, 0.35, 0.8, 0.8}, new int[] {0, 0, 1, 1, 0}),
                1e-15);
    }

    @Test
    void averagePrecisionSumsPrecisionAtEachRecallStep() {
        // Descending: 0.9 (1), 0.8 (0), 0.7 (1), 0.1 (0): AP = ½·1 + ½·⅔.
        assertEquals(0.5 + 1.0 / 3, DetectionMetrics.averagePrecision(new double[] {0.1, 0.7, 0.8, 0.9},
                new int[] {0, 1, 0, 1}), 1e-15);
        // A tie of one anomaly and one normal at the top: one threshold, precision ½ at recall 1.
        assertEquals(0.5, DetectionMetrics.averagePrecision(new double[] {2, 2}, new int[] {1, 0}), 1e-15);
    }

    @Test
    void rocRunsFromTheOriginToOneOnePointPerDistinctScore() {
        DetectionMetrics.Roc roc = DetectionMetrics.roc(new double[] {0.1, 0.7, 0.8, 0.9}, new int[] {0, 1, 0, 1});
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 1}, roc.falsePositiveRate());
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, roc.truePositiveRate());
    }

    @Test
    void bootstrapIsReproducibleAndBracketsTheEstimate() {
        RandomStream data = new RandomStream(3);
        double[] normal = data.normal(joule.tensor.DType.FLOAT64, 300).toDoubleArray();
        double[] shifted = data.normal(joule.tensor.DType.FLOAT64, 200).add(1).toDoubleArray();
        double[] scores = new double[500];
        int[] labels = new int[500];
        System.arraycopy(normal, 0, scores, 0, 300);
        System.arraycopy(shifted, 0, scores, 300, 200);
        java.util.Arrays.fill(labels, 300, 500, 1);
        DetectionMetrics.Report a = DetectionMetrics.evaluate(scores, labels, 200, 0.95, new RandomStream(9));
        DetectionMetrics.Report b = DetectionMetrics.evaluate(scores, labels, 200, 0.95, new RandomStream(9));
        assertEquals(a, b);
        assertEquals(200, a.anomalies());
        assertTrue(a.auroc().lo() < a.auroc().estimate() && a.auroc().estimate() < a.auroc().hi(), a.toString());
        assertTrue(a.auprc().lo() < a.auprc().estimate() && a.auprc().estimate() < a.auprc().hi(), a.toString());
        // Two unit Gaussians one apart: AUROC = Φ(1/√2) ≈ 0.760; the interval is a few hundredths wide.
        assertTrue(a.auroc().lo() < 0.76 && 0.76 < a.auroc().hi(), a.toString());
        assertTrue(a.auroc().hi() - a.auroc().lo() < 0.12, a.toString());
    }

    @Test
    void badLabelsAndScoresAreRejected() {
        double[] s = {0, 1, 2};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.auroc(s, new int[] {0, 2, 1}))
                .getMessage().contains("labels must be 0 (normal) or 1 (anomaly), got 2"));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.auroc(s, new int[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.auroc(s, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.auroc(new double[] {0, Double.NaN, 1},
                new int[] {0, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> DetectionMetrics.evaluate(s, new int[] {0, 1, 1}, 0, 0.95,
                new RandomStream(1)));
    }
}
