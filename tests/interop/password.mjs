// Better Auth's own password code, for the interoperability test:
//   node password.mjs hash          < password   -> prints a hash
//   node password.mjs verify HASH   < password   -> prints true or false
import { hashPassword, verifyPassword } from "@better-auth/utils/password";
import { readFileSync } from "node:fs";

const [mode, hash] = process.argv.slice(2);
const password = readFileSync(0, "utf8");
if (mode === "hash") console.log(await hashPassword(password));
else if (mode === "verify") console.log(await verifyPassword(hash, password));
else process.exit(2);
