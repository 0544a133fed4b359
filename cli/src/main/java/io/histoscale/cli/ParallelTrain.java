package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.parallel.Communicator;
import io.histoscale.parallel.MpiLaunch;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code histoscale train --ranks N}: outside MPI, starts the same command in N processes under {@code mpirun} on
 * this machine; inside {@code mpirun} or {@code srun --mpi=pmix} (e.g. in an sbatch script), joins the world.
 */
final class ParallelTrain {

    private ParallelTrain() {
    }

    /** Whether this process must start the ranks rather than be one. */
    static boolean mustLaunch(int ranks) {
        if (ranks < 1) {
            throw new UserException("--ranks " + ranks + ": give 1 or more processes");
        }
        if (ranks == 1 || MpiLaunch.launchedByMpi()) {
            return false;
        }
        if (MpiLaunch.launchedBySlurmTasks()) {
            throw new UserException("this Slurm job step has several tasks but no MPI world: launch it with "
                    + "srun --mpi=pmix (and install libpmix-dev on the nodes)");
        }
        return true;
    }

    /**
     * Runs the same command line in {@code ranks} processes with mpirun; returns its exit status.
     *
     * @param args the command line as given (picocli's original arguments, from {@code train} on)
     */
    static int launch(int ranks, List<String> args) {
        List<String> mainArgs = new ArrayList<>(args);
        if (mainArgs.isEmpty() || !mainArgs.get(0).equals("train")) {
            mainArgs.add(0, "train");
        }
        List<String> command = MpiLaunch.mpirunJava(ranks, Main.class.getName(), mainArgs);
        command.add(1, "--quiet");
        try {
            Process mpirun = new ProcessBuilder(command).inheritIO().start();
            return mpirun.waitFor();
        } catch (IOException e) {
            throw new UserException("mpirun cannot be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * The world of the ranks this process is one of.
     *
     * @throws UserException when the launcher started another number of ranks than {@code --ranks}
     */
    static Communicator join(int ranks) {
        Communicator world = Communicator.fromEnvironment(Communicator.DEFAULT_BUCKET_BYTES);
        if (MpiLaunch.launchedByMpi() && world.size() != ranks) {
            int size = world.size();
            world.close();
            throw new UserException("--ranks " + ranks + ", but the launcher started " + size + " rank(s): give "
                    + "--ranks " + size + (size == 1 ? " (under srun, add --mpi=pmix)" : ""));
        }
        return world;
    }

    /** PyTorch threads per rank when not given: this machine's cores shared by the ranks on it. */
    static int threadsPerRank(int ranks) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / MpiLaunch.localRanks(ranks));
    }

    /**
     * Reports a failure on one rank of several and ends all of them (MPI_Abort), since the others may be waiting for
     * this one in a collective. Rank 0 prints the error; the others give it a moment first and name their rank.
     */
    static void fail(Communicator world, RuntimeException e, PrintStream err) {
        UserException user = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof UserException u) {
                user = u;
                break;
            }
        }
        if (world.rank() != 0 && user != null) {
            try {
                Thread.sleep(3000); // an error on every rank is printed (and ended) by rank 0
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        String where = world.rank() == 0 ? "" : "rank " + world.rank() + ": ";
        if (user != null) {
            err.println("histoscale: error: " + where + user.getMessage());
        } else {
            err.println("histoscale: rank " + world.rank() + " failed:");
            e.printStackTrace(err);
        }
        err.flush();
        world.abort(user != null ? 2 : 1);
    }
}
