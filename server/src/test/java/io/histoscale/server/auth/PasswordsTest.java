package io.histoscale.server.auth;

import io.histoscale.core.UserException;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordsTest {

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = Passwords.hash("correct horse battery".toCharArray());
        assertThat(Passwords.verify("correct horse battery".toCharArray(), hash)).isTrue();
        assertThat(Passwords.verify("correct horse batterY".toCharArray(), hash)).isFalse();
        assertThat(Passwords.verify("".toCharArray(), hash)).isFalse();
        // a new salt each time: the same password hashes differently, and both verify
        String again = Passwords.hash("correct horse battery".toCharArray());
        assertThat(again).isNotEqualTo(hash);
        assertThat(Passwords.verify("correct horse battery".toCharArray(), again)).isTrue();
    }

    @Test
    void theHashIsAPhcStringCarryingItsParameters() {
        String hash = Passwords.hash("päßwörd ünicode ✓".toCharArray());
        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        String[] parts = hash.split("\\$");
        assertThat(Base64.getDecoder().decode(parts[4])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[5])).hasSize(32);
        assertThat(Passwords.verify("päßwörd ünicode ✓".toCharArray(), hash)).isTrue();
        assertThat(Passwords.needsRehash(hash)).isFalse();

        // other parameters travel in the string and still verify
        String cheap = Passwords.hash("another password".toCharArray(), new Passwords.Parameters(1024, 1, 2));
        assertThat(cheap).startsWith("$argon2id$v=19$m=1024,t=1,p=2$");
        assertThat(Passwords.verify("another password".toCharArray(), cheap)).isTrue();
        assertThat(Passwords.needsRehash(cheap)).isTrue();
    }

    @Test
    void readsHashesOfTheReferenceImplementation() {
        // made by libargon2 (the reference C implementation, Debian's libargon2-1): argon2id_hash_encoded with
        // t=2, m=1024 KiB, p=1, password "password", salt "somesaltsomesalt", 32 bytes
        String reference = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                + "CKGe5/bX9YnCq2rxjW5yQXKxn31v1GKzhDCrMc6r6vA";
        assertThat(Passwords.verify("password".toCharArray(), reference)).isTrue();
        assertThat(Passwords.verify("passwore".toCharArray(), reference)).isFalse();
    }

    @Test
    void malformedOrTamperedHashesNeverVerify() {
        String hash = Passwords.hash("a fine password".toCharArray());
        char[] pw = "a fine password".toCharArray();
        assertThat(Passwords.verify(pw, null)).isFalse();
        assertThat(Passwords.verify(pw, "")).isFalse();
        assertThat(Passwords.verify(pw, "a fine password")).isFalse();
        assertThat(Passwords.verify(pw, hash.replace("argon2id", "argon2i"))).isFalse();
        assertThat(Passwords.verify(pw, hash.replace("t=2", "t=3"))).isFalse();
        assertThat(Passwords.verify(pw, hash.replace("m=19456", "m=99999999"))).isFalse(); // no absurd memory
        // the first character of the hash (the last one carries padding bits a decoder may ignore)
        int at = hash.lastIndexOf('$') + 1;
        char first = hash.charAt(at);
        assertThat(Passwords.verify(pw, hash.substring(0, at) + (first == 'A' ? 'B' : 'A') + hash.substring(at + 1)))
                .isFalse();
        assertThat(Passwords.verify(null, hash)).isFalse();
    }

    @Test
    void newPasswordsNeedTenCharacters() {
        assertThatThrownBy(() -> Passwords.checkNew("short".toCharArray())).isInstanceOf(UserException.class)
                .hasMessage("password is too short (5 characters); give at least 10");
        assertThatThrownBy(() -> Passwords.checkNew(new char[0])).isInstanceOf(UserException.class);
        Passwords.checkNew("ten chars!".toCharArray());
        assertThatThrownBy(() -> Passwords.checkNew(new char[2000])).hasMessageContaining("too long");
    }
}
