#include "interop.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace mana::test {

std::string npm_dir(const std::vector<std::string>& packages) {
    std::string name, specs;
    for (const auto& package : packages) {
        name += (name.empty() ? "" : "+") + package;
        specs += " '" + package + "'";
    }
    for (auto& c : name)
        if (c == '/') c = '_';
    const std::string dir = std::string(MANA_INTEROP_DIR) + "/" + name;
    std::filesystem::create_directories(dir);
    // npm's cache makes a fresh install quick; .done marks a complete one.
    // The directory gets a package.json of its own first: else npm installs
    // into the nearest directory above that has one, where another test's
    // release would replace this one.
    const auto install =
        run({"sh", "-c",
             "cd '" + dir +
                 "' && flock .lock sh -c '[ -e .done ] || { echo {} > package.json && "
                 "npm install --no-audit --no-fund --silent" +
                 specs + " && touch .done; }'"});
    INFO("npm could not install" << specs << " from the registry: " << install.err);
    REQUIRE(install.exit_code == 0);
    for (const auto& package : packages) {
        const auto at = package.rfind('@');
        const auto manifest = dir + "/node_modules/" + package.substr(0, at) + "/package.json";
        INFO(manifest);
        REQUIRE(nlohmann::json::parse(std::ifstream(manifest))["version"] ==
                package.substr(at + 1));
    }
    for (const auto* script : {"password.mjs", "sign_in.mjs"}) {
        std::filesystem::copy_file(std::string(MANA_SOURCE_DIR "/tests/interop/") + script,
                                   dir + "/" + script,
                                   std::filesystem::copy_options::overwrite_existing);
    }
    return dir;
}

Result node(const std::string& dir, const std::string& script, std::vector<std::string> args,
            const std::string& input, const EnvChanges& env) {
    args.insert(args.begin(), {"node", dir + "/" + script});
    return run(args, env, input);
}

} // namespace mana::test
