<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("breachMailboxIntro", user.username)}</p>
<p><a href="${link}">${msg("breachMailboxLinkText")}</a></p>
<p>${msg("breachMailboxExpires", linkExpirationMinutes)}</p>
<p><strong>${msg("breachMailboxIfNotYou")}</strong></p>
</@layout.emailLayout>
