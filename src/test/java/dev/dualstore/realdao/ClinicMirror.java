package dev.dualstore.realdao;

import dev.dualstore.MirroringBackend;
import dev.dualstore.MirroringGroup;
import dev.dualstore.ResultComparator;
import dev.dualstore.spring.SpringTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * The clinic's four repositories behind dualstore: the JDBC ones answer, the JPA ones are
 * mirrored to. {@link #wrap} is the whole configuration a service needs (the guide quotes it).
 */
final class ClinicMirror implements AutoCloseable {
    final MirroringGroup group;
    final OwnerRepository owners;
    final PetRepository pets;
    final VisitRepository visits;
    final VetRepository vets;

    private ClinicMirror(MirroringGroup group, OwnerRepository owners, PetRepository pets, VisitRepository visits,
            VetRepository vets) {
        this.group = group;
        this.owners = owners;
        this.pets = pets;
        this.visits = visits;
        this.vets = vets;
    }

    /**
     * @param jdbc     the old store's repositories, the primary
     * @param jpa      the new store's, mirrored to
     * @param registry where the meters go
     * @param more     settings a test adds to every backend's (an executor, a listener)
     */
    static ClinicMirror wrap(ClinicRepositories jdbc, ClinicRepositories jpa, MeterRegistry registry,
            Consumer<MirroringBackend.Builder<?>> more) {
        MirroringGroup group = MirroringGroup.of("jdbc", "jpa", settings -> {
            settings.classifyByName()
                    .transactions(SpringTransactions.hook())
                    .comparator(ResultComparator.deep().comparingDeclaredTypes())   // a JdbcPet is a Pet
                    .snapshotResults()                                               // the service changes what it read
                    .warmUp("jpa", Duration.ofMinutes(1), Duration.ofSeconds(30))    // Hibernate's first queries are slow
                    .meterRegistry(registry);
            more.accept(settings);
        });
        OwnerRepository owners = group.wrap(OwnerRepository.class, jdbc.owners(), jpa.owners(), own -> own
                .key("findById", 0)
                .key("updateLastName", 0)
                .key("save", args -> ((Owner) args[0]).getId())             // an owner the service changed ...
                .keyFromResult("save", saved -> ((Owner) saved).getId())    // ... or the id the database gave a new one
                .secondaryArguments("save", (args, saved) -> new Object[] {JpaArguments.owner((Owner) args[0])})
                .compareWriteResults("updateLastName")).proxy();                // 0 rows where jdbc changed 1: a divergence
        PetRepository pets = group.wrap(PetRepository.class, jdbc.pets(), jpa.pets(), own -> own
                .key("findById", 0)
                .keyFromResult("save", saved -> ((Pet) saved).getId())).proxy();
        VisitRepository visits = group.wrap(VisitRepository.class, jdbc.visits(), jpa.visits()).proxy();
        VetRepository vets = group.wrap(VetRepository.class, jdbc.vets(), jpa.vets()).proxy();
        return new ClinicMirror(group, owners, pets, visits, vets);
    }

    /** The service over the mirrored repositories, its {@code @Transactional} applied by Spring's interceptor. */
    ClinicService service(PlatformTransactionManager transactions) {
        ProxyFactory factory = new ProxyFactory(new ClinicService(owners, pets, visits, vets));
        factory.setProxyTargetClass(true);
        factory.addAdvice(new TransactionInterceptor(transactions, new AnnotationTransactionAttributeSource()));
        return (ClinicService) factory.getProxy();
    }

    @Override
    public void close() {
        group.close();
    }
}
