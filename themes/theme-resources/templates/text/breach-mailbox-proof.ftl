<#ftl output_format="plainText">
${msg("breachMailboxIntro", user.username)}

${link}

${msg("breachMailboxExpires", linkExpirationMinutes)}

${msg("breachMailboxIfNotYou")}
