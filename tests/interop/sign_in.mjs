// Better Auth itself, on the test's auth database, for the interoperability test:
//   node sign_in.mjs sign-in EMAIL < password   -> prints the user id Better Auth signed in
//   node sign_in.mjs sign-up EMAIL < password   -> prints the user id of the user it signed up
// The database is named by PGDATABASE and libpq's other PG* variables.
import { betterAuth } from "better-auth";
import pg from "pg";
import { readFileSync } from "node:fs";

const [mode, email] = process.argv.slice(2);
const password = readFileSync(0, "utf8");
const pool = new pg.Pool({ options: "-c search_path=auth", max: 2 });

// The production tables and columns (SPEC §2.1): plural, snake_case.
const timestamps = { createdAt: "created_at", updatedAt: "updated_at" };
const auth = betterAuth({
    database: pool,
    secret: "mana-auth interoperability test secret",
    baseURL: "http://localhost:3000",
    emailAndPassword: { enabled: true },
    logger: { disabled: true },
    user: {
        modelName: "users",
        fields: { emailVerified: "email_verified", ...timestamps },
    },
    account: {
        modelName: "accounts",
        fields: {
            accountId: "account_id",
            providerId: "provider_id",
            userId: "user_id",
            accessToken: "access_token",
            refreshToken: "refresh_token",
            idToken: "id_token",
            accessTokenExpiresAt: "access_token_expires_at",
            refreshTokenExpiresAt: "refresh_token_expires_at",
            ...timestamps,
        },
    },
    session: {
        modelName: "sessions",
        fields: {
            expiresAt: "expires_at",
            ipAddress: "ip_address",
            userAgent: "user_agent",
            userId: "user_id",
            ...timestamps,
        },
    },
    verification: {
        modelName: "verification",
        fields: { expiresAt: "expires_at", ...timestamps },
    },
});

try {
    const body = { email, password };
    const result =
        mode === "sign-in"
            ? await auth.api.signInEmail({ body })
            : await auth.api.signUpEmail({ body: { ...body, name: email.split("@")[0] } });
    console.log(result.user.id);
} catch (e) {
    console.error(e?.body?.message ?? e?.message ?? String(e));
    process.exitCode = 1;
} finally {
    await pool.end();
}
