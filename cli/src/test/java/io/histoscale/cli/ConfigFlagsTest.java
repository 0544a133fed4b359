package io.histoscale.cli;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** Library messages name configuration keys; each command words them with its own flags, and only those. */
class ConfigFlagsTest {

    static CommandSpec spec(Object command) {
        return new CommandLine(command).getCommandSpec();
    }

    @Test
    void keysBecomeTheCommandsFlags() {
        assertThat(ConfigFlags.flagOf("learning_rate")).isEqualTo("--lr");
        assertThat(ConfigFlags.flagOf("val_fraction")).isEqualTo("--val-fraction");
        assertThat(ConfigFlags.flagOf("training.stain_reference")).isEqualTo("--stain-reference");
        assertThat(ConfigFlags.keyOf("--batch")).isEqualTo("batch_size");
        assertThat(ConfigFlags.keyOf("--min-tissue")).isEqualTo("min_tissue");
        // a slide's recorded failure keeps only its text: keys in it are worded too
        assertThat(ConfigFlags.word("assume_mpp needed: slide a.tif does not record its resolution",
                spec(new TileCommand()))).isEqualTo("--assume-mpp needed: slide a.tif does not record its resolution");
        assertThat(ConfigFlags.word(UserException.forKey("min_tissue", "1.5: give a share within 0..1"),
                spec(new TileCommand()))).isEqualTo("--min-tissue 1.5: give a share within 0..1");
    }

    @Test
    void aKeyTheCommandHasNoFlagForStaysAKey() {
        // train has no --assume-mpp: telling its user to give one would send them looking for a flag that is not there
        assertThat(ConfigFlags.word(UserException.forKey("assume_mpp", "needed: slide a.tif ..."),
                spec(new TrainCommand()))).isEqualTo("assume_mpp needed: slide a.tif ...");
        assertThat(ConfigFlags.word(UserException.forKey("assume_mpp", "needed: slide a.tif ..."),
                spec(new StageCommand()))).isEqualTo("--assume-mpp needed: slide a.tif ...");
        assertThat(ConfigFlags.word(new UserException("plain message about nothing_keyed"), spec(new TrainCommand())))
                .isEqualTo("plain message about nothing_keyed");
    }

    @Test
    void aSentenceAboutASettingGetsTheFlagThatGivesIt() {
        UserException readOnly = UserException.about("store", "cannot write the run registry /r/runs.db: read-only"
                + " file system; give a writable file", null);
        assertThat(ConfigFlags.word(readOnly, spec(new RunsCommand.ListRuns()))).isEqualTo("cannot write the run"
                + " registry /r/runs.db: read-only file system; give a writable file (--store)");
        assertThat(ConfigFlags.word(UserException.forKey("memory", "64T is more than the 2048 MiB"),
                spec(new TrainCommand()))).startsWith("--mem 64T is more than");
    }

    @Test
    void tileAndStageTakeTheirDefaultsFromTheirRequests() {
        String tile = CliTest.run("tile", "--help").out().replaceAll("\\s+", " ");
        assertThat(tile).contains("Micrometres per pixel of the patches (default "
                + io.histoscale.dataset.tile.TileRequest.DEFAULT_MPP + ")")
                .contains("Patch side in pixels (default " + io.histoscale.dataset.tile.TileRequest.DEFAULT_SIZE + ")");
        String stage = CliTest.run("stage", "--help").out().replaceAll("\\s+", " ");
        assertThat(stage).contains("(default " + io.histoscale.staging.StageRequest.DEFAULT_BATCH + ")")
                .contains("(default " + io.histoscale.staging.LesionDetector.DEFAULT_THRESHOLD + ")");
    }
}
