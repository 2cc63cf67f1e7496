<#import "template.ftl" as layout>
<#-- Factor choice (Breach Response for Keycloak): which second factor a flagged user enrols. Served to every
     login theme through the jar's theme-resources, like breach-notice.ftl: only the theme's template.ftl and
     optional kc* properties. Works without script (the realm's enrolment factor is preselected); the external
     script breach-choose-factor.js (no inline script: CSP-safe) recommends the passkey when the browser has
     WebAuthn and the authenticator app otherwise. -->
<@layout.registrationLayout displayMessage=true; section>
<!-- template: breach-choose-factor.ftl -->
    <#if section = "header">
        ${msg("breachChoiceTitle")}
    <#elseif section = "form">
    <form id="kc-breach-choice-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="POST"
          data-breach-recommended="">
        <p id="breach-choice-intro">${msg("breachChoiceIntro")}</p>
        <div class="${properties.kcFormGroupClass!}" role="radiogroup" aria-labelledby="breach-choice-intro">
            <#list breachFactors as factor>
            <div class="${properties.kcCheckboxClass!} pf-v5-u-mb-md breach-choice-option" id="breach-option-${factor}">
                <input class="${properties.kcCheckboxInputClass!}" type="radio" name="factor" value="${factor}"
                       id="breach-factor-${factor}" aria-describedby="breach-factor-help-${factor}"<#if factor == breachPreselected> checked</#if>>
                <label class="${properties.kcCheckboxLabelClass!}" for="breach-factor-${factor}">
                    <strong>${msg("breachChoice." + factor)}</strong>
                    <span class="breach-recommended" id="breach-recommended-${factor}" hidden>${msg("breachChoiceRecommended")}</span>
                </label>
                <div class="pf-v5-c-check__description" id="breach-factor-help-${factor}">${msg("breachChoiceHelp." + factor)}</div>
            </div>
            </#list>
        </div>
        <#if breachRecoveryCodes>
        <div class="${properties.kcFormGroupClass!}">
            <div class="${properties.kcCheckboxClass!}">
                <input class="${properties.kcCheckboxInputClass!}" type="checkbox" name="recoveryCodes" value="on" id="breach-recovery-codes">
                <label class="${properties.kcCheckboxLabelClass!}" for="breach-recovery-codes">${msg("breachChoiceRecoveryCodes")}</label>
            </div>
        </div>
        </#if>
        <div class="${properties.kcFormGroupClass!}">
            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!} ${properties.kcFormActionGroupClass!}">
                <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" name="continue" id="kc-breach-choose" type="submit">${msg("breachChoiceContinue")}</button>
            </div>
        </div>
    </form>
    <script src="${url.resourcesPath}/js/breach-choose-factor.js"></script>
    </#if>
</@layout.registrationLayout>
