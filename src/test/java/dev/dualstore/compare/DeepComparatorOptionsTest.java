package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.ResultComparator;
import dev.dualstore.compare.Clinic.Pet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options of {@link DeepComparator}: immutable, each set once, bad input refused at once. */
class DeepComparatorOptionsTest {

    @Test
    void eachOptionReturnsANewComparatorAndLeavesThisOneAsItWas() {
        DeepComparator plain = ResultComparator.deep();
        DeepComparator ignoring = plain.ignoringFields("name");

        assertThat(ignoring).isNotSameAs(plain);
        assertThat(ignoring.equivalent(new Pet(1L, "a"), new Pet(1L, "b"))).isTrue();
        assertThat(plain.equivalent(new Pet(1L, "a"), new Pet(1L, "b"))).isFalse();
        assertThat(ResultComparator.deep()).isSameAs(DeepComparator.standard());
        assertThat(ResultComparator.deepEquals()).isSameAs(DeepComparator.standard());
    }

    @Test
    void settingAnOptionTwiceIsAnError() {
        assertThatThrownBy(() -> ResultComparator.deep().ignoringFields("a").ignoringFields("b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ignoringFields is already set on this comparator");
        assertThatThrownBy(() -> ResultComparator.deep().ignoringFieldsOfTypes(Instant.class).ignoringFieldsOfTypes(String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ignoringFieldsOfTypes is already set on this comparator");
        assertThatThrownBy(() -> ResultComparator.deep().comparingDeclaredTypes().comparingDeclaredTypes())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("comparingDeclaredTypes is already set on this comparator");
        assertThatThrownBy(() -> ResultComparator.deep().unordered().unordered())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unordered is already set on this comparator");
    }

    @Test
    void badFieldNamesAreRefusedWithAMessageNamingThem() {
        DeepComparator deep = ResultComparator.deep();
        assertThatThrownBy(deep::ignoringFields).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ignoringFields needs at least one field name");
        assertThatThrownBy(() -> deep.ignoringFields((String[]) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ignoringFields");
        assertThatThrownBy(() -> deep.ignoringFields("a", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ignoringFields: a field name is null");
        assertThatThrownBy(() -> deep.ignoringFields(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ignoringFields: a field name is blank");
        assertThatThrownBy(() -> deep.ignoringFields("a", "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ignoringFields: 'a' is listed twice");
        for (String malformed : List.of("pet..owner", "pet.", "[*]", "[x].a", ".a", "a b", "[0]pet")) {
            assertThatThrownBy(() -> deep.ignoringFields(malformed)).as(malformed)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ignoringFields: '" + malformed + "' is not a field name, a Type.field or a path"
                            + " ending in a field, such as [*].pet.owner");
        }
    }

    @Test
    void badTypesAreRefused() {
        DeepComparator deep = ResultComparator.deep();
        assertThatThrownBy(deep::ignoringFieldsOfTypes).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ignoringFieldsOfTypes needs at least one type");
        assertThatThrownBy(() -> deep.ignoringFieldsOfTypes(String.class, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("ignoringFieldsOfTypes: a type is null");
        assertThatThrownBy(() -> deep.ignoringFieldsOfTypes(String.class, String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ignoringFieldsOfTypes: a type is listed twice");
    }

    @Test
    void theWellFormedKindsOfNamesAreAccepted() {
        DeepComparator deep = ResultComparator.deep()
                .ignoringFields("version", "Owner.pets", "[*].createdAt", "[0].pet.owner", "pet.owner", "*", "[*].*", "$x_1");
        assertThat(deep.equivalent(new Pet(1L, "a"), new Pet(2L, "b"))).isTrue();   // "*": every field of the answer
    }

    @Test
    void unorderedComparesAsAMultisetWithTheOtherOptions() {
        DeepComparator unordered = ResultComparator.deep().ignoringFields("name").unordered();

        assertThat(unordered.equivalent(List.of(new Pet(1L, "a"), new Pet(2L, "b")), List.of(new Pet(2L, "x"), new Pet(1L, "y"))))
                .isTrue();
        assertThat(unordered.equivalent(List.of(new Pet(1L, "a")), List.of(new Pet(2L, "a")))).isFalse();
        assertThat(ResultComparator.deep().ignoringFields("name")
                .equivalent(List.of(new Pet(1L, "a"), new Pet(2L, "b")), List.of(new Pet(2L, "x"), new Pet(1L, "y")))).isFalse();
    }
}
