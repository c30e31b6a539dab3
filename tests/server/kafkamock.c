/* tests/server/kafkamock.c - librdkafka's mock cluster as a loopback Kafka
 * broker for the client tests (no JVM, no ZooKeeper).
 *
 *   kafkamock --port-file FILE [--brokers N] [--max-seconds S]
 *
 * Writes the bootstrap list ("127.0.0.1:PORT[,...]") to FILE (atomically, so a
 * reader never sees half of it) and serves until SIGTERM/SIGINT or S seconds
 * (default 300), so a failed test never leaves it behind. Topics are created
 * on first use, as a broker with auto.create.topics.enable does. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static int write_atomically(const char *path, const char *text) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    return bad ? -1 : rename(tmp, path);
}

int main(int argc, char **argv) {
    const char *port_file = NULL;
    int brokers = 1;
    double max_seconds = 300;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port-file"))
            port_file = argv[i + 1];
        else if (!strcmp(argv[i], "--brokers"))
            brokers = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--max-seconds"))
            max_seconds = atof(argv[i + 1]);
    }
    if (!port_file || brokers < 1 || max_seconds <= 0) {
        fprintf(stderr, "usage: kafkamock --port-file FILE [--brokers N] [--max-seconds S]\n");
        return 2;
    }
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The mock cluster lives inside a client handle; it needs no brokers of its own. */
    if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafkamock: %s\n", errstr);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "kafkamock: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
    if (!mc) {
        fprintf(stderr, "kafkamock: could not create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    if (write_atomically(port_file, boot) != 0) {
        perror(port_file);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    struct timespec nap = {0, 50 * 1000 * 1000};
    for (double waited = 0; !stop && waited < max_seconds; waited += 0.05)
        nanosleep(&nap, NULL);
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
