<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${kcSanitize(msg("breachFactorAddedIntro", msg("breachFactor." + factor), user.username))?no_esc}</p>
<p>${msg("breachFactorAddedIfYou")}</p>
<p><strong>${msg("breachFactorAddedIfNotYou")}</strong></p>
</@layout.emailLayout>
