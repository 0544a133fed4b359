package io.histoscale.federation;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.histoscale.federation.pki.Pki;
import io.histoscale.federation.proto.CoordinatorGrpc;
import io.histoscale.federation.proto.CoordinatorMessage;
import io.histoscale.federation.proto.SiteMessage;
import io.histoscale.federation.transport.Tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Test plans and PKIs (the patches come from {@link io.histoscale.testkit.SyntheticPatches}). */
final class Fixtures {

    private Fixtures() {
    }

    /** A quick plan: a small network on 24-pixel inputs, few epochs, everything on 127.0.0.1. */
    static Plan plan(String strategy, Path out, Path pki, int port, Path store, List<String> sites) {
        Plan plan = new Plan();
        plan.strategy = strategy;
        plan.sites = new java.util.ArrayList<>(sites);
        plan.strategySettings().putAll(switch (strategy) {
            case "fedavg" -> Map.of("rounds", 3, "local_epochs", 1);
            case "fedprox" -> Map.of("rounds", 3, "local_epochs", 1, "mu", 0.05);
            case "cyclical" -> Map.of("cycles", 2, "local_epochs", 1);
            case "central" -> Map.of("epochs", 3);
            case "single", "ensemble" -> Map.of("max_epochs", 3, "patience", 1);
            default -> Map.<String, Object>of();
        });
        plan.model.architecture = "small";
        plan.model.inputSize = 24;
        plan.training.put("batch_size", 8);
        plan.training.put("learning_rate", 3e-3);
        plan.listen = "127.0.0.1:" + port;
        plan.pki = pki.toString();
        plan.out = out.toString();
        plan.faults.joinTimeoutSeconds = 180;
        plan.faults.roundTimeoutSeconds = 120;
        plan.test = new Plan.Test();
        plan.test.data = store.toString();
        return plan;
    }

    /**
     * A server posing as a coordinator with {@code as}'s certificate (any member of the federation could run one):
     * it admits any site certificate, records every message it gets, and never sends a task.
     */
    static Server forger(Pki.Member as, List<SiteMessage> received) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), Tls.server(as, Pki.Role.SITE))
                .addService(new CoordinatorGrpc.CoordinatorImplBase() {
                    @Override
                    public StreamObserver<SiteMessage> session(StreamObserver<CoordinatorMessage> responses) {
                        return new StreamObserver<>() {
                            public void onNext(SiteMessage message) {
                                received.add(message);
                            }

                            public void onError(Throwable t) {
                            }

                            public void onCompleted() {
                            }
                        };
                    }
                }).build().start();
    }

    /**
     * Waits for a site process that a coordinator refused (not a site of its plan) to stop as it should: exit
     * status 2, saying why.
     */
    static void awaitRefused(Process site, Path siteDir) {
        try {
            assertThat(site.waitFor(120, TimeUnit.SECONDS)).as("a refused site stops").isTrue();
            assertThat(site.exitValue()).isEqualTo(2);
            assertThat(Files.readString(siteDir.resolve("site.log"))).contains("is not a site of this plan");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CA with certificates for the coordinator and the given sites, serving on 127.0.0.1 (peers too). */
    static Path pki(Path dir, List<String> sites) {
        Pki pki = Pki.init(dir, "test-federation-ca");
        pki.issue("coordinator", Pki.Role.COORDINATOR, List.of("127.0.0.1"));
        sites.forEach(s -> pki.issue(s, Pki.Role.SITE, List.of("127.0.0.1")));
        return dir;
    }
}
