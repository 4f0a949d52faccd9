-- Issue 18: the secret that signs Consistency-Token values (HMAC-SHA256), made once by the first
-- migration and read by every instance, so that a token one instance issued is accepted by all,
-- without configuration. 244 random bits (two version-4 UUIDs; gen_random_uuid is core since 13).
CREATE TABLE consistency_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret    text    NOT NULL
);
INSERT INTO consistency_key (secret) VALUES (gen_random_uuid()::text || gen_random_uuid()::text);
