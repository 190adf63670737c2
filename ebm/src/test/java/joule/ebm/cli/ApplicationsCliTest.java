package joule.ebm.cli;

import static joule.ebm.cli.JouleCliTest.joule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import joule.ebm.cli.JouleCliTest.Result;
import joule.ebm.data.FashionMnist;
import joule.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code joule score}, {@code denoise} and {@code inpaint} end to end on a short two-moons run and a tiny U-Net, and their bad input. */
class ApplicationsCliTest {
    @TempDir
    static Path dir;

    static String moons;

    @BeforeAll
    static void trainShortRun() {
        Path run = dir.resolve("moons");
        Result r = joule("train", "--dataset", "two-moons", "--loss", "dsm", "--steps", "300", "--hidden", "32,32",
                "--eval-every", "0", "--out", run.toString());
        assertEquals(0, r.code(), r::toString);
        moons = run.resolve("model.safetensors").toString();
    }

    @Test
    void scoreWritesOneScorePerRowAndWithAnomaliesTheMetricsAndRoc() throws IOException {
        Path out = dir.resolve("score");
        Result r = joule("score", "--checkpoint", moons, "--n", "300", "--anomalies", "uniform", "--bootstrap", "100",
                "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        List<String> lines = Files.readAllLines(out.resolve("scores.csv"));
        assertEquals(601, lines.size());
        assertEquals("score,label", lines.get(0));
        assertTrue(lines.get(600).endsWith(",1"), lines.get(600));
        double auroc = Double.parseDouble(r.out().lines().filter(l -> l.startsWith("auroc")).findFirst().orElseThrow()
                .split("\\s+")[1]);
        assertTrue(auroc > 0.8, r.out());   // a 300-step model; TwoMoonsAnomalyTest checks the 0.99 target
        assertImage(out.resolve("roc.png"), Plots.PANEL, Plots.PANEL);

        Result plain = joule("score", "--checkpoint", moons, "--n", "10", "--by", "score-norm", "--out", out.toString());
        assertEquals(0, plain.code(), plain::toString);
        assertEquals(List.of("score"), Files.readAllLines(out.resolve("scores.csv")).subList(0, 1));
        assertEquals(11, Files.readAllLines(out.resolve("scores.csv")).size());
    }

    @Test
    void scoreReadsLabelsAndRejectsBadOnes() throws IOException {
        Path data = Files.writeString(dir.resolve("points.csv"), "x1,x2\n0,0\n1,0.5\n5,5\n-4,4\n");
        Path labels = Files.writeString(dir.resolve("labels.csv"), "label\n0\n0\n1\n1\n");
        Result r = joule("score", "--checkpoint", moons, "--data", data.toString(), "--labels", labels.toString(),
                "--bootstrap", "20", "--out", dir.resolve("labelled").toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("anomalies 2, normal 2"), r.out());
        Path two = Files.writeString(dir.resolve("two.csv"), "0\n2\n1\n1\n");
        joule("score", "--checkpoint", moons, "--data", data.toString(), "--labels", two.toString())
                .assertBadInput("labels must be 0 (normal) or 1 (anomaly), got 2.0 in row 2");
        Path short3 = Files.writeString(dir.resolve("short.csv"), "0\n1\n1\n");
        joule("score", "--checkpoint", moons, "--data", data.toString(), "--labels", short3.toString())
                .assertBadInput("has 3 rows of 1 values; need 4 rows");
        Path ones = Files.writeString(dir.resolve("ones.csv"), "1\n1\n1\n1\n");
        joule("score", "--checkpoint", moons, "--data", data.toString(), "--labels", ones.toString(), "--out",
                dir.resolve("ones").toString()).assertBadInput("need both labels 0 and 1");
        joule("score", "--checkpoint", moons, "--anomalies", "flip").assertBadInput("is for images");
        joule("score", "--checkpoint", moons, "--by", "entropy").assertBadInput("unknown --by 'entropy'");
    }

    @Test
    void dataOfAnotherDimensionIsBadInputForEveryCommand() throws IOException {
        Path three = Files.writeString(dir.resolve("three.csv"), "1,2,3\n4,5,6\n");
        for (String command : List.of("score", "denoise", "inpaint")) {
            List<String> args = new java.util.ArrayList<>(List.of(command, "--checkpoint", moons, "--data", three.toString()));
            if (command.equals("inpaint")) {
                args.addAll(List.of("--mask", "1,0"));
            }
            joule(args.toArray(String[]::new)).assertBadInput("the model is 2-dimensional but " + three + " has 3 coordinates");
        }
    }

    @Test
    void denoiseReportsPsnrAndWritesCsv() throws IOException {
        Path out = dir.resolve("denoise");
        Result r = joule("denoise", "--checkpoint", moons, "--n", "200", "--sigma", "0.2", "--langevin",
                "--sampler-steps", "20", "--step-size", "1e-3", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("psnr tweedie") && r.out().contains("psnr langevin"), r.out());
        assertEquals(201, Files.readAllLines(out.resolve("denoised.csv")).size());
        assertEquals(201, Files.readAllLines(out.resolve("refined.csv")).size());
        joule("denoise", "--checkpoint", moons, "--sigma", "0").assertBadInput("--sigma must be > 0");
    }

    @Test
    void inpaintKeepsTheKnownCoordinatesAndRejectsBadMasks() throws IOException {
        Path out = dir.resolve("inpaint");
        Result r = joule("inpaint", "--checkpoint", moons, "--n", "50", "--mask", "1,0", "--sampler-steps", "50",
                "--step-size", "1e-3", "--draws", "2", "--out", out.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("psnr on the missing coordinates"), r.out());
        List<String> filled = Files.readAllLines(out.resolve("inpainted.csv"));
        assertEquals(51, filled.size());
        Tensor data = DataSets.reference("two-moons", null, 0).narrow(0, 0, 50);
        for (int i = 0; i < 50; i++) {
            assertEquals((float) data.toDoubleArray()[2 * i], Float.parseFloat(filled.get(i + 1).split(",")[0]),
                    "known coordinates are kept");
        }
        joule("inpaint", "--checkpoint", moons, "--mask", "0,0").assertBadInput("mask is all zeros");
        joule("inpaint", "--checkpoint", moons, "--mask", "1,1").assertBadInput("mask is all ones");
        joule("inpaint", "--checkpoint", moons, "--mask", "1,0", "--draws", "0").assertBadInput("draws must be ≥ 1");
        joule("inpaint", "--checkpoint", moons, "--mask", "1,0,1").assertBadInput("--mask lists 3 values");
        joule("inpaint", "--checkpoint", moons, "--mask", "lower-half").assertBadInput("is for images");
        Path badFile = Files.writeString(dir.resolve("mask.csv"), "1,0,1\n");
        joule("inpaint", "--checkpoint", moons, "--mask", badFile.toString()).assertBadInput("it must have 2 columns");
    }

    @Test
    void imageCommandsWorkOnAUNetCheckpoint() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        Path out = dir.resolve("unet");
        Result t = joule("train", "--dataset", "fashion-mnist", "--model", "unet", "--loss", "ncsn", "--channels", "4",
                "--train-size", "32", "--steps", "2", "--batch-size", "8", "--sampler-steps", "2", "--eval-every", "0",
                "--out", out.toString());
        assertEquals(0, t.code(), t::toString);
        String unet = out.resolve("model.safetensors").toString();
        Result s = joule("score", "--checkpoint", unet, "--n", "8", "--anomalies", "flip", "--bootstrap", "10");
        assertEquals(0, s.code(), s::toString);
        assertTrue(s.out().contains("‖s(x, σ)‖ at σ = 0.01"), s.out());
        joule("score", "--checkpoint", unet, "--n", "8", "--by", "energy").assertBadInput("has no energy");
        Result d = joule("denoise", "--checkpoint", unet, "--n", "4");
        assertEquals(0, d.code(), d::toString);
        int cell = 28 * 3 + 2;
        assertImage(out.resolve("denoising.png"), 4 * cell + 2, 3 * cell + 2);
        Result i = joule("inpaint", "--checkpoint", unet, "--n", "8", "--mask", "lower-half", "--sampler-steps", "1");
        assertEquals(0, i.code(), i::toString);
        assertImage(out.resolve("inpainting.png"), 8 * cell + 2, 3 * cell + 2);
        joule("inpaint", "--checkpoint", unet, "--mask", "1,0").assertBadInput("--mask lists 2 values but the model's "
                + "rows have 784 coordinates");
    }

    private static void assertImage(Path png, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(width, image.getWidth(), png.toString());
        assertEquals(height, image.getHeight(), png.toString());
    }
}
