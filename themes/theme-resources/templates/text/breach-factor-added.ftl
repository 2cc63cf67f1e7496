<#ftl output_format="plainText">
${msg("breachFactorAddedIntro", msg("breachFactor." + factor), user.username)}

${msg("breachFactorAddedIfYou")}

${msg("breachFactorAddedIfNotYou")}
