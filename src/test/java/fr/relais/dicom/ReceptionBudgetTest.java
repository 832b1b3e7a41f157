package fr.relais.dicom;

import fr.relais.dicom.AssociationHandler.StoreStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Data sets in flight share one budget; past it the sender is told, and the association stays in step. */
class ReceptionBudgetTest {

    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @Test
    void anObjectLargerThanTheBudgetIsRefusedWithAReasonAndTheNextOneIsStored() throws Exception {
        List<Integer> stored = new CopyOnWriteArrayList<>();
        ReceptionBudget budget = new ReceptionBudget(4L << 20);
        DicomServer.Settings settings = new DicomServer.Settings("BUDGET", 0, 4, 64 * 1024, 30, 64L << 20,
                DicomServer.Limits.DEFAULT, budget);
        try (DicomServer server = new DicomServer(settings, request -> new AssociationHandler.Accept(rq -> {
            stored.add(rq.length());
            return StoreStatus.SUCCESS;
        }))) {
            try (RawScu scu = RawScu.associate("127.0.0.1", server.port(), "SENDER", "BUDGET")) {
                RawScu.Response big = scu.store(CT, "1.2.3.1", new byte[2 << 20]);
                assertThat(big.status()).isEqualTo(0xA700);
                assertThat(big.errorComment()).contains("larger than this server can receive", "4 MiB");
                // What was reserved for the refused object is given back, and the association goes on.
                assertThat(budget.reserved()).isZero();
                RawScu.Response small = scu.store(CT, "1.2.3.2", new byte[200_000]);
                assertThat(small.status()).isZero();
                scu.release();
            }
            assertThat(stored).containsExactly(200_000);
            assertThat(budget.peak()).isLessThanOrEqualTo(budget.capacity());
            assertThat(budget.reserved()).isZero();
        }
    }

    @Test
    void whenOthersHoldTheBudgetTheSenderIsAskedToRetryLater() throws Exception {
        ReceptionBudget budget = new ReceptionBudget(4L << 20);
        // Another reception holds most of it.
        assertThat(budget.tryReserve(3L << 20)).isTrue();
        DicomServer.Settings settings = new DicomServer.Settings("BUDGET", 0, 4, 64 * 1024, 30, 64L << 20,
                DicomServer.Limits.DEFAULT, budget);
        try (DicomServer server = new DicomServer(settings, request -> new AssociationHandler.Accept(rq -> StoreStatus.SUCCESS));
             RawScu scu = RawScu.associate("127.0.0.1", server.port(), "SENDER", "BUDGET")) {
            RawScu.Response refused = scu.store(CT, "1.2.3.3", new byte[400_000]);
            assertThat(refused.status()).isEqualTo(0xA700);
            assertThat(refused.errorComment()).contains("retry later");
            budget.release(3L << 20);
            assertThat(scu.store(CT, "1.2.3.4", new byte[400_000]).status()).isZero();
        }
    }
}
